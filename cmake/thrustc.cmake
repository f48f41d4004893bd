# thrustc_library(NAME DEPS...): a library from every .cpp of the current folder, linked only to
# the libraries named, so the dependency rule of architecture.md is enforced by the build.
function(thrustc_library name)
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  add_library(${name} STATIC ${srcs})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${name} PUBLIC ${ARGN})
endfunction()
