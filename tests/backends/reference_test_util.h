#pragma once

// Helpers shared by the reference kernel tests of the newer ops, which size their outputs
// themselves rather than through shape inference.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "backends/host_tensor.h"
#include "ir/shape.h"

namespace edgebench::backends::reference::testing {

/// An output tensor of `shape` filled with NaN, so an element a kernel forgets to write
/// fails the comparison.
inline HostTensor Unwritten(const ir::Shape& shape) {
  HostTensor y(shape);
  for (float& v : y.data) v = std::numeric_limits<float>::quiet_NaN();
  return y;
}

/// Element-wise comparison; a NaN expected value requires a NaN, an infinite one the same
/// infinity.
inline void ExpectValues(const HostTensor& actual, const std::vector<float>& expected,
                         float tolerance = 1e-5f) {
  ASSERT_EQ(actual.data.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    if (std::isnan(expected[i])) {
      EXPECT_TRUE(std::isnan(actual.data[i])) << "element " << i << " is " << actual.data[i];
    } else if (std::isinf(expected[i])) {
      EXPECT_EQ(actual.data[i], expected[i]) << "element " << i;
    } else {
      EXPECT_NEAR(actual.data[i], expected[i], tolerance) << "element " << i;
    }
  }
}

/// first, first + 1, ...: inputs whose every element is distinguishable.
inline std::vector<float> Iota(int n, float first = 0.0f) {
  std::vector<float> values(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) values[static_cast<size_t>(i)] = first + static_cast<float>(i);
  return values;
}

/// Small, irregular, exactly representable values (multiples of 1/4 in [-2.5, 2.5]), so
/// sums of products stay exact enough for tight tolerances. A linear congruential
/// sequence: no stretch mirrors or repeats another, so a kernel that reads the wrong
/// element (or flips a kernel) shows.
inline std::vector<float> Irregular(int n, int seed = 0) {
  std::vector<float> values(static_cast<size_t>(n));
  uint32_t state = 12345u + 7919u * static_cast<uint32_t>(seed);
  for (float& v : values) {
    state = state * 1103515245u + 12345u;
    v = static_cast<float>(static_cast<int>((state >> 16) % 21u) - 10) * 0.25f;
  }
  return values;
}

}  // namespace edgebench::backends::reference::testing
