# thrustc_add_library(NAME SOURCES...): a static library; a folder whose sources do not exist yet
# still configures (an empty translation unit stands in), so every component builds on its own.
function(thrustc_add_library name)
  set(srcs ${ARGN})
  if(NOT srcs)
    set(srcs ${PROJECT_BINARY_DIR}/empty.cpp)
    if(NOT EXISTS ${srcs})
      file(WRITE ${srcs} "// intentionally empty\n")
    endif()
  endif()
  add_library(${name} STATIC ${srcs})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
endfunction()

# thrustc_library(NAME DEPS...): a library from every .cpp of the current folder, linked only to
# the libraries named, so the dependency rule of architecture.md is enforced by the build.
function(thrustc_library name)
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  thrustc_add_library(${name} ${srcs})
  target_link_libraries(${name} PUBLIC ${ARGN})
endfunction()
