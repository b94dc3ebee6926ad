#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "backends/reference/kernels.h"
#include "ir/graph.h"
#include "reference_test_util.h"

namespace edgebench::backends::reference {
namespace {

using testing::ExpectValues;
using testing::Iota;
using testing::Unwritten;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// x[i][j][k] = 1 + 6i + 2j + k over shape [2, 3, 2].
HostTensor Cube() { return HostTensor({2, 3, 2}, Iota(12, 1.0f)); }

TEST(ReferenceReduceTest, SumOverLastAxisKeepsDims) {
  HostTensor y = Unwritten({2, 3, 1});
  ReduceSum({.axes = {-1}, .keepdims = true}, Cube(), y);
  // Pairs (1,2), (3,4), ... summed.
  ExpectValues(y, {3, 7, 11, 15, 19, 23});
}

TEST(ReferenceReduceTest, MeanOverOuterAndInnerAxesDropsThem) {
  HostTensor y = Unwritten({3});
  ReduceMean({.axes = {0, -1}, .keepdims = false}, Cube(), y);
  // Mean over i, k of 1 + 6i + 2j + k = 1 + 3 + 2j + 0.5.
  ExpectValues(y, {4.5f, 6.5f, 8.5f});
}

TEST(ReferenceReduceTest, NegativeAndPositiveAxesMix) {
  HostTensor y = Unwritten({1, 1, 2});
  ReduceSum({.axes = {-3, 1}, .keepdims = true}, Cube(), y);
  // Sum over i, j of 1 + 6i + 2j + k: 6 + 6*3 + 2*(0+1+2)*2 + 6k = 36 + 6k.
  ExpectValues(y, {36, 42});
}

TEST(ReferenceReduceTest, EmptyAxesReduceEverything) {
  HostTensor kept = Unwritten({1, 1, 1});
  ReduceMax({.axes = {}, .keepdims = true}, Cube(), kept);
  ExpectValues(kept, {12});
  HostTensor scalar = Unwritten({});
  ReduceMean({.axes = {}, .keepdims = false}, Cube(), scalar);
  ExpectValues(scalar, {6.5f});
}

TEST(ReferenceReduceTest, MaxOfNegativesAndNaN) {
  HostTensor x({2, 2}, {-3, -1, kNaN, 5});
  HostTensor y = Unwritten({2});
  ReduceMax({.axes = {1}, .keepdims = false}, x, y);
  ExpectValues(y, {-1, kNaN});
}

TEST(ReferenceReduceTest, RepeatedAxisOrWrongOutputThrows) {
  HostTensor y = Unwritten({2, 3});
  EXPECT_THROW(ReduceSum({.axes = {2, -1}, .keepdims = false}, Cube(), y), ir::GraphError);
  HostTensor wrong = Unwritten({2, 3});  // keepdims wants [2, 3, 1]
  EXPECT_THROW(ReduceSum({.axes = {2}, .keepdims = true}, Cube(), wrong), ir::GraphError);
}

TEST(ReferenceTransposeTest, MatrixByHand) {
  HostTensor x({2, 3}, {1, 2, 3, 4, 5, 6});
  HostTensor y = Unwritten({3, 2});
  Transpose({.perm = {1, 0}}, x, y);
  ExpectValues(y, {1, 4, 2, 5, 3, 6});
}

TEST(ReferenceTransposeTest, RankThreePermutationAndDefaultReversal) {
  // x[i][j][k] = 100i + 10j + k: each value names its own index.
  std::vector<float> values;
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 3; ++j) {
      for (int k = 0; k < 4; ++k) values.push_back(static_cast<float>(100 * i + 10 * j + k));
    }
  }
  HostTensor x({2, 3, 4}, values);
  // perm {2, 0, 1}: y[k][i][j] = x[i][j][k].
  HostTensor y = Unwritten({4, 2, 3});
  Transpose({.perm = {2, 0, 1}}, x, y);
  std::vector<float> expected;
  for (int k = 0; k < 4; ++k) {
    for (int i = 0; i < 2; ++i) {
      for (int j = 0; j < 3; ++j) expected.push_back(static_cast<float>(100 * i + 10 * j + k));
    }
  }
  ExpectValues(y, expected);
  // Empty perm: y[k][j][i] = x[i][j][k].
  HostTensor reversed = Unwritten({4, 3, 2});
  Transpose({}, x, reversed);
  expected.clear();
  for (int k = 0; k < 4; ++k) {
    for (int j = 0; j < 3; ++j) {
      for (int i = 0; i < 2; ++i) expected.push_back(static_cast<float>(100 * i + 10 * j + k));
    }
  }
  ExpectValues(reversed, expected);
  HostTensor any = Unwritten({2, 3, 4});
  EXPECT_THROW(Transpose({.perm = {0, 0, 1}}, x, any), ir::GraphError);
}

TEST(ReferenceSliceTest, NegativeStepsWalkBackwards) {
  HostTensor x({6}, Iota(6));
  // Start -1 is the last element; end -7 clamps to "before the first": full reversal.
  HostTensor reversed = Unwritten({6});
  Slice({.starts = {-1}, .ends = {-7}, .axes = {0}, .steps = {-1}}, x, reversed);
  ExpectValues(reversed, {5, 4, 3, 2, 1, 0});
  // 4 down to (not including) 0 by 2: 4, 2.
  HostTensor every_other = Unwritten({2});
  Slice({.starts = {4}, .ends = {0}, .axes = {}, .steps = {-2}}, x, every_other);
  ExpectValues(every_other, {4, 2});
}

TEST(ReferenceSliceTest, SeveralAxesClampedEndsAndEmptyResult) {
  // x[r][c] = 10r + c over [3, 4]; columns from 1 to the end by 2, rows 0 and 2.
  std::vector<float> values;
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 4; ++c) values.push_back(static_cast<float>(10 * r + c));
  }
  HostTensor x({3, 4}, values);
  HostTensor y = Unwritten({2, 2});
  Slice({.starts = {1, 0},
         .ends = {std::numeric_limits<int64_t>::max(), 3},
         .axes = {-1, 0},
         .steps = {2, 2}},
        x, y);
  ExpectValues(y, {1, 3, 21, 23});
  // Negative start counted from the end, no steps given: rows 1..2, columns -3..-1.
  HostTensor tail = Unwritten({2, 2});
  Slice({.starts = {-2, -3}, .ends = {3, -1}, .axes = {}, .steps = {}}, x, tail);
  ExpectValues(tail, {11, 12, 21, 22});
  HostTensor empty = Unwritten({3, 0});
  Slice({.starts = {2}, .ends = {2}, .axes = {1}, .steps = {}}, x, empty);
  EXPECT_TRUE(empty.data.empty());
}

TEST(ReferencePadTest, ConstantEdgeAndReflectOnEveryDim) {
  // 1 2 3        one row before, two columns before and one after.
  // 4 5 6
  HostTensor x({2, 3}, {1, 2, 3, 4, 5, 6});
  ir::PadAttrs attrs{.pads_begin = {1, 2}, .pads_end = {0, 1}};
  HostTensor y = Unwritten({3, 6});

  attrs.mode = ir::PadMode::kConstant;
  attrs.value = 9;
  Pad(attrs, x, y);
  ExpectValues(y, {9, 9, 9, 9, 9, 9,  //
                   9, 9, 1, 2, 3, 9,  //
                   9, 9, 4, 5, 6, 9});

  // Edge: columns -2, -1 repeat column 0, column 3 repeats column 2; row -1 repeats row 0.
  attrs.mode = ir::PadMode::kEdge;
  Pad(attrs, x, y);
  ExpectValues(y, {1, 1, 1, 2, 3, 3,  //
                   1, 1, 1, 2, 3, 3,  //
                   4, 4, 4, 5, 6, 6});

  // Reflect: column -1 mirrors to 1, -2 to 2, 3 to 1; row -1 mirrors to row 1.
  attrs.mode = ir::PadMode::kReflect;
  Pad(attrs, x, y);
  ExpectValues(y, {6, 5, 4, 5, 6, 5,  //
                   3, 2, 1, 2, 3, 2,  //
                   6, 5, 4, 5, 6, 5});
}

TEST(ReferencePadTest, ReflectWiderThanTheDimBounces) {
  // 1 2 3 reflected forever reads ... 2 1 2 3 2 1 2 3 2 ...; five each side.
  HostTensor x({3}, {1, 2, 3});
  HostTensor y = Unwritten({13});
  Pad({.pads_begin = {5}, .pads_end = {5}, .mode = ir::PadMode::kReflect}, x, y);
  ExpectValues(y, {2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2});
  // A single element reflects onto itself.
  HostTensor one({1}, {7});
  HostTensor z = Unwritten({3});
  Pad({.pads_begin = {1}, .pads_end = {1}, .mode = ir::PadMode::kReflect}, one, z);
  ExpectValues(z, {7, 7, 7});
}

TEST(ReferencePadTest, NegativeOrOverflowingPadsThrow) {
  HostTensor x({3}, {1, 2, 3});
  HostTensor y = Unwritten({2});
  EXPECT_THROW(Pad({.pads_begin = {-1}, .pads_end = {0}}, x, y), ir::GraphError);
  const int64_t huge = std::numeric_limits<int64_t>::max();
  EXPECT_THROW(Pad({.pads_begin = {huge}, .pads_end = {huge}}, x, y), ir::GraphError);
  // Pads that do not cover every dim.
  EXPECT_THROW(Pad({.pads_begin = {}, .pads_end = {}}, x, y), ir::GraphError);
}

TEST(ReferenceGatherTest, RowsWithNegativeIndices) {
  HostTensor x({3, 2}, {1, 2, 3, 4, 5, 6});
  HostTensor y = Unwritten({3, 2});
  Gather({.axis = 0, .indices = {2, -3, 1}, .indices_shape = {3}}, x, y);
  ExpectValues(y, {5, 6, 1, 2, 3, 4});
}

TEST(ReferenceGatherTest, MatrixOfIndicesOnLastAxis) {
  HostTensor x({3, 2}, {1, 2, 3, 4, 5, 6});
  // indices [[1, 0], [1, -1]] on axis -1: y[r] = [[x[r][1], x[r][0]], [x[r][1], x[r][1]]].
  HostTensor y = Unwritten({3, 2, 2});
  Gather({.axis = -1, .indices = {1, 0, 1, -1}, .indices_shape = {2, 2}}, x, y);
  ExpectValues(y, {2, 1, 2, 2, 4, 3, 4, 4, 6, 5, 6, 6});
}

TEST(ReferenceGatherTest, ScalarIndexRemovesTheAxis) {
  HostTensor x({3, 2}, {1, 2, 3, 4, 5, 6});
  HostTensor y = Unwritten({3});
  Gather({.axis = 1, .indices = {-1}, .indices_shape = {}}, x, y);
  ExpectValues(y, {2, 4, 6});
}

TEST(ReferenceGatherTest, OutOfRangeIndexThrows) {
  HostTensor x({3, 2}, {1, 2, 3, 4, 5, 6});
  HostTensor y = Unwritten({1, 2});
  EXPECT_THROW(Gather({.axis = 0, .indices = {3}, .indices_shape = {1}}, x, y), ir::GraphError);
  EXPECT_THROW(Gather({.axis = 0, .indices = {-4}, .indices_shape = {1}}, x, y), ir::GraphError);
  // Indices that do not fill their declared shape.
  EXPECT_THROW(Gather({.axis = 0, .indices = {0}, .indices_shape = {2}}, x, y), ir::GraphError);
}

}  // namespace
}  // namespace edgebench::backends::reference
