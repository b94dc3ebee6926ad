# The two ONNX targets edgebench links (onnx, onnx_proto), made from Debian's libonnx1:arm64
# and the architecture-independent headers in /usr/include/onnx, for cross builds where
# libonnx-dev:arm64 cannot be installed (see cmake/toolchains/aarch64-linux-gnu.cmake).
set(ONNX_VERSION 1.12.0)
foreach(_lib onnx onnx_proto)
  find_library(ONNX_${_lib}_LIBRARY NAMES ${_lib} lib${_lib}.so.1
               PATHS /usr/lib/aarch64-linux-gnu NO_DEFAULT_PATH)
  if(NOT ONNX_${_lib}_LIBRARY)
    set(ONNX_FOUND FALSE)
    set(ONNX_NOT_FOUND_MESSAGE "lib${_lib}.so.1 for aarch64 not found: apt-get install libonnx1:arm64")
    return()
  endif()
endforeach()
find_path(ONNX_INCLUDE_DIRS onnx/onnx_pb.h PATHS /usr/include NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH)
find_package(Protobuf REQUIRED)
if(NOT TARGET onnx_proto)
  add_library(onnx_proto SHARED IMPORTED GLOBAL)
  set_target_properties(onnx_proto PROPERTIES
    IMPORTED_LOCATION ${ONNX_onnx_proto_LIBRARY}
    INTERFACE_COMPILE_DEFINITIONS "ONNX_NAMESPACE=onnx;ONNX_ML=1"
    INTERFACE_INCLUDE_DIRECTORIES ${ONNX_INCLUDE_DIRS}
    INTERFACE_LINK_LIBRARIES protobuf::libprotobuf)
  add_library(onnx SHARED IMPORTED GLOBAL)
  set_target_properties(onnx PROPERTIES
    IMPORTED_LOCATION ${ONNX_onnx_LIBRARY}
    INTERFACE_COMPILE_DEFINITIONS "ONNX_NAMESPACE=onnx;ONNX_ML=1"
    INTERFACE_INCLUDE_DIRECTORIES ${ONNX_INCLUDE_DIRS}
    INTERFACE_LINK_LIBRARIES onnx_proto)
endif()
