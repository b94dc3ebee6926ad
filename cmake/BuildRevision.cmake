# Regenerates build_revision.cc on every build, rewriting it only when the git revision or
# dirty flag changed, so `edgebench --version` always names the code it was built from.
set(EDGEBENCH_REVISION_FILE ${CMAKE_BINARY_DIR}/generated/build_revision.cc)
add_custom_target(edgebench_revision
  COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${CMAKE_SOURCE_DIR} -DOUTPUT=${EDGEBENCH_REVISION_FILE}
          -DVERSION=${PROJECT_VERSION} -P ${CMAKE_SOURCE_DIR}/cmake/WriteRevision.cmake
  BYPRODUCTS ${EDGEBENCH_REVISION_FILE}
  COMMENT "Recording build revision")
