# Small helpers so a component's CMakeLists.txt is a few lines.
#
# cg_component(NAME SOURCES a.cpp b.cpp DEPS cg_core fmt::fmt)
#   Static library cg_<NAME>; public include root is src/, so code includes "core/result.hpp".
#   DEPS are the only targets it may link: this is where one-way dependencies are declared.
function(cg_component name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(cg_${name} STATIC ${ARG_SOURCES})
  target_include_directories(cg_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(cg_${name} PUBLIC ${ARG_DEPS})
endfunction()

# cg_test(NAME SOURCES x_test.cpp DEPS cg_core)
#   GoogleTest executable registered with CTest (one CTest test per TEST()).
function(cg_test name)
  if(NOT CITYGRID_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  gtest_discover_tests(${name} WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
                       PROPERTIES LABELS "${ARG_LABELS}" DISCOVERY_TIMEOUT 60)
endfunction()
