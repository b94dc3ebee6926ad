#include "backends/xnnpack/weights.h"

#include <cmath>

namespace edgebench::backends::xnnpack {

std::vector<float> ConvFilterOhwi(const std::vector<float>& oihw, const ir::Shape& shape) {
  const int64_t outputs = shape[0], inputs = shape[1], height = shape[2], width = shape[3];
  std::vector<float> ohwi(oihw.size());
  for (int64_t o = 0; o < outputs; ++o) {
    for (int64_t i = 0; i < inputs; ++i) {
      for (int64_t y = 0; y < height; ++y) {
        for (int64_t x = 0; x < width; ++x) {
          ohwi[((o * height + y) * width + x) * inputs + i] =
              oihw[((o * inputs + i) * height + y) * width + x];
        }
      }
    }
  }
  return ohwi;
}

std::vector<float> DepthwiseFilter(const std::vector<float>& oihw, const ir::Shape& shape) {
  const int64_t outputs = shape[0], height = shape[2], width = shape[3];
  std::vector<float> hwo(oihw.size());
  for (int64_t o = 0; o < outputs; ++o) {
    for (int64_t y = 0; y < height; ++y) {
      for (int64_t x = 0; x < width; ++x) {
        hwo[(y * width + x) * outputs + o] = oihw[(o * height + y) * width + x];
      }
    }
  }
  return hwo;
}

std::vector<float> DeconvolutionFilter(const std::vector<float>& weight, const ir::Shape& shape,
                                       int64_t groups) {
  const int64_t inputs = shape[0], group_outputs = shape[1], height = shape[2], width = shape[3];
  const int64_t group_inputs = inputs / groups;
  std::vector<float> filter(weight.size());
  for (int64_t g = 0; g < groups; ++g) {
    for (int64_t i = 0; i < group_inputs; ++i) {
      for (int64_t o = 0; o < group_outputs; ++o) {
        for (int64_t y = 0; y < height; ++y) {
          for (int64_t x = 0; x < width; ++x) {
            const int64_t output = g * group_outputs + o;
            const int64_t input = g * group_inputs + i;
            filter[((output * height + y) * width + x) * group_inputs + i] =
                weight[((input * group_outputs + o) * height + y) * width + x];
          }
        }
      }
    }
  }
  return filter;
}

ChannelAffine BatchNormAffine(const std::vector<float>& gamma, const std::vector<float>& beta,
                              const std::vector<float>& mean, const std::vector<float>& variance,
                              float epsilon) {
  ChannelAffine affine;
  for (size_t c = 0; c < gamma.size(); ++c) {
    // In double, so folding adds no more rounding than the reference's own evaluation.
    const double scale = gamma[c] / std::sqrt(static_cast<double>(variance[c]) + epsilon);
    affine.scale.push_back(static_cast<float>(scale));
    affine.shift.push_back(static_cast<float>(beta[c] - mean[c] * scale));
  }
  return affine;
}

void FoldIntoConvolution(const ChannelAffine& affine, std::vector<float>& weight,
                         std::vector<float>& bias) {
  const size_t outputs = affine.scale.size();
  const size_t per_output = weight.size() / outputs;
  if (bias.empty()) bias.assign(outputs, 0.0f);
  for (size_t o = 0; o < outputs; ++o) {
    for (size_t k = 0; k < per_output; ++k) weight[o * per_output + k] *= affine.scale[o];
    bias[o] = bias[o] * affine.scale[o] + affine.shift[o];
  }
}

std::vector<float> PermuteColumnsForNhwc(const std::vector<float>& weight, int64_t outputs,
                                         int64_t channels, int64_t height, int64_t width) {
  const int64_t columns = channels * height * width;
  std::vector<float> permuted(weight.size());
  for (int64_t o = 0; o < outputs; ++o) {
    for (int64_t c = 0; c < channels; ++c) {
      for (int64_t y = 0; y < height; ++y) {
        for (int64_t x = 0; x < width; ++x) {
          permuted[o * columns + (y * width + x) * channels + c] =
              weight[o * columns + (c * height + y) * width + x];
        }
      }
    }
  }
  return permuted;
}

std::vector<float> Transpose2d(const std::vector<float>& matrix, int64_t rows, int64_t cols) {
  std::vector<float> transposed(matrix.size());
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c) transposed[c * rows + r] = matrix[r * cols + c];
  }
  return transposed;
}

}  // namespace edgebench::backends::xnnpack
