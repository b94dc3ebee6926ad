// The .npy reader and writer: files built here byte by byte (the layout numpy documents)
// are read, what the writer produces is checked byte by byte, and hostile headers are
// refused with NpyError.
#include "formats/npy.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

namespace edgebench::formats {
namespace {

// A .npy file: magic, version, little-endian header length, `header` padded with spaces
// to `alignment` and ended by a newline, then `data`.
std::string NpyBytes(const std::string& header, const std::string& data, int major = 1,
                     size_t alignment = 64) {
  const size_t length_size = major == 1 ? 2 : 4;
  std::string text = header;
  while ((8 + length_size + text.size() + 1) % alignment != 0) text += ' ';
  text += '\n';
  std::string bytes = "\x93NUMPY";
  bytes += static_cast<char>(major);
  bytes += '\0';
  for (size_t i = 0; i < length_size; ++i)
    bytes += static_cast<char>((text.size() >> (8 * i)) & 0xff);
  return bytes + text + data;
}

// Little-endian bytes of each value's object representation.
template <typename T>
std::string LittleEndianBytes(std::initializer_list<T> values) {
  static_assert(std::endian::native == std::endian::little, "test data is built on LE hosts");
  std::string bytes;
  for (T value : values) bytes.append(reinterpret_cast<const char*>(&value), sizeof(T));
  return bytes;
}

std::string Header(const std::string& descr, const std::string& shape,
                   const std::string& fortran = "False") {
  return "{'descr': '" + descr + "', 'fortran_order': " + fortran + ", 'shape': " + shape + ", }";
}

std::string ReadError(const std::string& bytes, const NpyLimits& limits = {}) {
  try {
    ReadNpy(bytes, limits);
  } catch (const NpyError& error) {
    return error.what();
  }
  ADD_FAILURE() << "accepted";
  return "";
}

TEST(NpyTest, WriterProducesNumpysLayoutByteForByte) {
  const std::string bytes = WriteNpy({2, 1}, std::vector<float>{1.0f, -2.5f});
  // 10 preamble bytes + this 59-byte dict + the newline = 70, padded to 128 with spaces:
  // a header length of 118 (0x76).
  const std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1), }";
  ASSERT_EQ(header.size(), 59u);
  ASSERT_EQ(bytes.size(), 128u + 8u);
  EXPECT_EQ(bytes.substr(0, 10), std::string("\x93NUMPY\x01\x00\x76\x00", 10));
  EXPECT_EQ(bytes.substr(10, 59), header);
  EXPECT_EQ(bytes.substr(69, 58), std::string(58, ' '));
  EXPECT_EQ(bytes[127], '\n');
  // 1.0f = 0x3f800000, -2.5f = 0xc0200000, little-endian.
  EXPECT_EQ(bytes.substr(128), std::string("\x00\x00\x80\x3f\x00\x00\x20\xc0", 8));
}

TEST(NpyTest, WriterSpellsOneDimAndScalarShapesAsPythonTuples) {
  EXPECT_NE(WriteNpy({3}, std::vector<float>(3)).find("'shape': (3,), }"), std::string::npos);
  EXPECT_NE(WriteNpy({}, std::vector<float>(1)).find("'shape': (), }"), std::string::npos);
  EXPECT_THROW(WriteNpy({2, 2}, std::vector<float>(3)), NpyError);
  EXPECT_THROW(WriteNpy({-1}, std::vector<float>(1)), NpyError);
}

TEST(NpyTest, RoundTripsShapesAndBits) {
  const std::vector<float> values = {0.0f,    -0.0f, 1e-45f,
                                     3.4e38f, -1.5f, std::numeric_limits<float>::infinity()};
  for (const ir::Shape& shape : {ir::Shape{6}, ir::Shape{1, 2, 3}, ir::Shape{3, 1, 2, 1}}) {
    const NpyArray array = ReadNpy(WriteNpy(shape, values));
    EXPECT_EQ(array.shape, shape);
    ASSERT_EQ(array.data.size(), values.size());
    for (size_t i = 0; i < values.size(); ++i) {
      EXPECT_EQ(std::bit_cast<uint32_t>(array.data[i]), std::bit_cast<uint32_t>(values[i])) << i;
    }
  }
  const NpyArray scalar = ReadNpy(WriteNpy({}, std::vector<float>{7.0f}));
  EXPECT_TRUE(scalar.shape.empty());
  EXPECT_EQ(scalar.data, std::vector<float>{7.0f});
  const NpyArray empty = ReadNpy(WriteNpy({2, 0}, std::vector<float>{}));
  EXPECT_EQ(empty.shape, (ir::Shape{2, 0}));
  EXPECT_TRUE(empty.data.empty());
}

TEST(NpyTest, FileRoundTripAndErrorsNameThePath) {
  const std::string path = testing::TempDir() + "/edgebench-npy-test.npy";
  WriteNpyFile(path, {1, 2}, std::vector<float>{4.0f, 5.0f});
  EXPECT_EQ(ReadNpyFile(path).data, (std::vector<float>{4.0f, 5.0f}));
  std::ofstream(path, std::ios::trunc) << "junk";
  try {
    ReadNpyFile(path);
    ADD_FAILURE() << "accepted";
  } catch (const NpyError& error) {
    EXPECT_NE(std::string(error.what()).find(path), std::string::npos) << error.what();
  }
  std::filesystem::remove(path);
  EXPECT_THROW(ReadNpyFile(path), NpyError);
  EXPECT_THROW(WriteNpyFile("/nonexistent-dir/x.npy", {1}, std::vector<float>{1}), NpyError);
}

TEST(NpyTest, ReadsOtherElementTypesAsFloats) {
  EXPECT_EQ(
      ReadNpy(NpyBytes(Header("<f8", "(3,)"), LittleEndianBytes<double>({0.5, -2, 1e10}))).data,
      (std::vector<float>{0.5f, -2.0f, 1e10f}));
  EXPECT_EQ(
      ReadNpy(NpyBytes(Header("<i8", "(2,)"), LittleEndianBytes<int64_t>({-3, 1 << 20}))).data,
      (std::vector<float>{-3.0f, 1048576.0f}));
  EXPECT_EQ(ReadNpy(NpyBytes(Header("<i4", "(2,)"), LittleEndianBytes<int32_t>({-7, 255}))).data,
            (std::vector<float>{-7.0f, 255.0f}));
  EXPECT_EQ(ReadNpy(NpyBytes(Header("<i2", "(1,)"), LittleEndianBytes<int16_t>({-300}))).data,
            (std::vector<float>{-300.0f}));
  EXPECT_EQ(ReadNpy(NpyBytes(Header("|u1", "(2,)"), std::string("\x00\xff", 2))).data,
            (std::vector<float>{0.0f, 255.0f}));
  EXPECT_EQ(ReadNpy(NpyBytes(Header("|i1", "(2,)"), "\x80\x7f")).data,
            (std::vector<float>{-128.0f, 127.0f}));
  EXPECT_EQ(ReadNpy(NpyBytes(Header("|b1", "(2,)"), std::string("\x00\x01", 2))).data,
            (std::vector<float>{0.0f, 1.0f}));
  // Half floats: 1.0 (0x3c00), -2.0 (0xc000), the smallest subnormal 2^-24 (0x0001), the
  // largest finite 65504 (0x7bff), infinity (0x7c00).
  const NpyArray half =
      ReadNpy(NpyBytes(Header("<f2", "(5,)"),
                       LittleEndianBytes<uint16_t>({0x3c00, 0xc000, 0x0001, 0x7bff, 0x7c00})));
  EXPECT_EQ(half.data[0], 1.0f);
  EXPECT_EQ(half.data[1], -2.0f);
  EXPECT_EQ(half.data[2], std::ldexp(1.0f, -24));
  EXPECT_EQ(half.data[3], 65504.0f);
  EXPECT_TRUE(std::isinf(half.data[4]));
  EXPECT_TRUE(std::isnan(
      ReadNpy(NpyBytes(Header("<f2", "(1,)"), LittleEndianBytes<uint16_t>({0x7e00}))).data[0]));
}

TEST(NpyTest, ReadsVersionsTwoAndThreeAndOldAlignmentAndOtherSpellings) {
  const std::string data = LittleEndianBytes<float>({1, 2});
  for (int major : {2, 3}) {
    EXPECT_EQ(ReadNpy(NpyBytes(Header("<f4", "(1, 2)"), data, major)).shape, (ir::Shape{1, 2}));
  }
  EXPECT_EQ(ReadNpy(NpyBytes(Header("<f4", "(2,)"), data, 1, 16)).data.size(), 2u);
  // Keys in another order, double quotes, no trailing comma, no spaces.
  EXPECT_EQ(
      ReadNpy(NpyBytes("{\"shape\":(2,),\"fortran_order\":False,\"descr\":\"<f4\"}", data)).data,
      (std::vector<float>{1.0f, 2.0f}));
}

TEST(NpyTest, RefusesWhatIsNotAPlainLittleEndianCOrderArray) {
  const std::string data = LittleEndianBytes<float>({1, 2});
  EXPECT_NE(ReadError(NpyBytes(Header("<f4", "(2,)", "True"), data)).find("fortran_order"),
            std::string::npos);
  EXPECT_NE(ReadError(NpyBytes(Header(">f4", "(2,)"), data)).find("big-endian"), std::string::npos);
  for (const char* descr :
       {"<c8", "|O", "<U1", "<f16", "f4", "<u4", "|f4", "<f4 ", "[('a', '<f4')]"}) {
    EXPECT_NE(ReadError(NpyBytes(Header(descr, "(2,)"), data)).find("dtype"), std::string::npos)
        << descr;
  }
}

TEST(NpyTest, RefusesMalformedHeaders) {
  const std::string data = LittleEndianBytes<float>({1, 2});
  for (const std::string& header : {
           std::string("{'descr': '<f4', 'fortran_order': False}"),  // no shape
           std::string("{'descr': '<f4', 'shape': (2,), 'shape': (2,), 'fortran_order': False}"),
           std::string("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}"),
           Header("<f4", "(2)"),     // an int, not a tuple
           Header("<f4", "[2]"),     // a list
           Header("<f4", "(-2,)"),   // negative
           Header("<f4", "(02,)"),   // leading zero
           Header("<f4", "(2,,)"),   // two commas
           Header("<f4", "(1_0,)"),  // digit separator
           Header("<f4", "(99999999999999999999,)"),
           Header("<f4", "(2,)", "false"),
           Header("<f4", "(2,)", "1"),
           std::string("{'descr': '<f\\x34', 'fortran_order': False, 'shape': (2,)}"),
           std::string("{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} x"),
           std::string("{'descr': '<f4', 'fortran_order': False, 'shape': (2,)"),  // no '}'
           std::string("{'descr': '<f4"),                                          // open string
           std::string("{'descr': '<f4', 'fortran_order': False, 'shape': (2,)}\xc3\xa9"),
           std::string(""),
       }) {
    EXPECT_THROW(ReadNpy(NpyBytes(header, data)), NpyError) << header;
  }
}

TEST(NpyTest, RefusesBadPreamblesAndSizes) {
  const std::string good = WriteNpy({2}, std::vector<float>{1, 2});
  EXPECT_NE(ReadError("NUMPY").find("not a .npy file"), std::string::npos);
  EXPECT_NE(ReadError(std::string("\x93NUMPX\x01\x00", 8)).find("not a .npy file"),
            std::string::npos);
  std::string version = good;
  version[6] = 4;
  EXPECT_NE(ReadError(version).find("version 4.0"), std::string::npos);
  version[6] = 1;
  version[7] = 1;
  EXPECT_NE(ReadError(version).find("version 1.1"), std::string::npos);
  // Every truncation is refused, never read past the end.
  for (size_t cut = 0; cut < good.size(); ++cut) {
    EXPECT_THROW(ReadNpy(good.substr(0, cut)), NpyError) << cut;
  }
  EXPECT_NE(ReadError(good + "x").find("needs 8 data bytes, the file has 9"), std::string::npos);
  // A header length beyond the file, and beyond the limit (version 2.0's 4 GiB).
  std::string long_header = good;
  long_header[8] = '\xff';
  long_header[9] = '\xff';
  EXPECT_NE(ReadError(long_header).find("truncated header"), std::string::npos);
  const std::string huge = NpyBytes(std::string(70000, ' ') + Header("<f4", "(2,)"),
                                    LittleEndianBytes<float>({1, 2}), 2);
  EXPECT_NE(ReadError(huge).find("exceeds the limit"), std::string::npos);
}

TEST(NpyTest, ShapesWhoseProductWrapsOrExceedsTheFileAreRefused) {
  // 2^32 x 2^32 x 2^32 wraps to 0 in 64 bits; checked before multiplying, it cannot pass.
  EXPECT_NE(ReadError(NpyBytes(Header("<f4", "(4294967296, 4294967296, 4294967296)"), ""))
                .find("needs more data than the file holds"),
            std::string::npos);
  EXPECT_NE(ReadError(NpyBytes(Header("<f4", "(4611686018427387904, 4)"), std::string(16, '\0')))
                .find("needs more data"),
            std::string::npos);
  // A zero dim makes an empty array whatever the other dims say.
  EXPECT_TRUE(ReadNpy(NpyBytes(Header("<f4", "(4611686018427387904, 0)"), "")).data.empty());
  EXPECT_NE(ReadError(NpyBytes(Header("<f4", "(2, 3)"), LittleEndianBytes<float>({1, 2})))
                .find("needs 24 data bytes, the file has 8"),
            std::string::npos);
  NpyLimits limits;
  limits.max_elements = 3;
  EXPECT_NE(ReadError(NpyBytes(Header("|u1", "(4,)"), "abcd"), limits).find("limit"),
            std::string::npos);
  limits = {};
  limits.max_rank = 2;
  EXPECT_NE(ReadError(NpyBytes(Header("<f4", "(1, 1, 1)"), LittleEndianBytes<float>({1})), limits)
                .find("dims exceed"),
            std::string::npos);
  limits = {};
  limits.max_file_bytes = 10;
  EXPECT_NE(ReadError(WriteNpy({1}, std::vector<float>{1}), limits).find("limit"),
            std::string::npos);
}

}  // namespace
}  // namespace edgebench::formats
