#include "cli/option_checks.h"

#include <gtest/gtest.h>
#include <sched.h>

#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

namespace edgebench::cli {
namespace {

// Parses `args` (without the program name) into an app holding one option; returns the
// error text, empty on success.
template <typename T>
std::string Parse(T& value, const CLI::Validator& validator, bool transform,
                  std::vector<std::string> args) {
  CLI::App app;
  CLI::Option* option = app.add_option("--value", value);
  if (transform) {
    option->transform(validator);
  } else {
    option->check(validator);
  }
  args.insert(args.begin(), "--value");
  std::vector<const char*> argv = {"test"};
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& error) {
    return error.what();
  }
  return {};
}

TEST(OptionChecksTest, SecondsRefuseNanInfinityAndNegatives) {
  for (const char* bad :
       {"nan", "NaN", "-nan", "inf", "-inf", "infinity", "1e999", "-1", "", " 1", "1s", "0x"}) {
    double value = 7;
    SCOPED_TRACE(bad);
    const std::string error = Parse(value, Seconds(false), false, {bad});
    EXPECT_NE(error.find("is not a finite, non-negative number of seconds"), std::string::npos)
        << error;
    EXPECT_EQ(value, 7);
  }
  double value = 0;
  EXPECT_EQ(Parse(value, Seconds(false), false, {"0"}), "");
  EXPECT_EQ(value, 0);
  EXPECT_EQ(Parse(value, Seconds(false), false, {"2.5"}), "");
  EXPECT_EQ(value, 2.5);
}

TEST(OptionChecksTest, PositiveSecondsRefuseZero) {
  double value = 1;
  EXPECT_NE(Parse(value, Seconds(true), false, {"0"}).find("positive finite"), std::string::npos);
  EXPECT_NE(Parse(value, Seconds(true), false, {"1e-400"}).find("positive"), std::string::npos);
  EXPECT_NE(Parse(value, Seconds(true), false, {"nan"}).find("positive"), std::string::npos);
  EXPECT_EQ(Parse(value, Seconds(true), false, {"600"}), "");
  EXPECT_EQ(value, 600);
}

TEST(OptionChecksTest, FractionIsFiniteAndWithinZeroToOne) {
  double value = 0.5;
  for (const char* bad : {"nan", "inf", "-0.1", "1.01", "abc"}) {
    SCOPED_TRACE(bad);
    EXPECT_NE(Parse(value, Fraction(), false, {bad}).find("not a fraction"), std::string::npos);
  }
  EXPECT_EQ(Parse(value, Fraction(), false, {"0.01"}), "");
  EXPECT_EQ(value, 0.01);
}

TEST(OptionChecksTest, ToggleSetsBecomeCanonicalText) {
  std::string value;
  EXPECT_EQ(Parse(value, ToggleSet(), true, {"sparse+no-fusion"}), "");
  EXPECT_EQ(value, "no-fusion,sparse");
  EXPECT_EQ(Parse(value, ToggleSet(), true, {"none"}), "");
  EXPECT_EQ(value, "");
  for (const char* bad : {"", "+", "no-fusion+", "No-Fusion", "a,b", "-x", "none+sparse", "a b"}) {
    SCOPED_TRACE(bad);
    EXPECT_NE(Parse(value, ToggleSet(), true, {bad}).find("is not a toggle set"),
              std::string::npos);
  }
}

TEST(OptionChecksTest, GraphPassTogglesCarryACheckedValue) {
  std::string value;
  EXPECT_EQ(Parse(value, ToggleSet(), true, {"prune=.50+no-fusion"}), "");
  EXPECT_EQ(value, "no-fusion,prune=0.5");
  EXPECT_EQ(Parse(value, ToggleSet(), true, {"fold-bn+prune-channels=0.25"}), "");
  EXPECT_EQ(value, "fold-bn,prune-channels=0.25");
  for (const char* bad : {"prune=2", "prune", "prune-channels=0", "fold-bn=1", "prune=x"}) {
    SCOPED_TRACE(bad);
    const std::string error = Parse(value, ToggleSet(), true, {bad});
    EXPECT_NE(error.find(bad), std::string::npos) << error;
  }
  EXPECT_NE(Parse(value, ToggleSet(), true, {"prune=2"}).find("strictly between 0 and 1"),
            std::string::npos);
}

TEST(OptionChecksTest, AToggleSetNamesAtMostOnePrecision) {
  std::string value;
  EXPECT_EQ(Parse(value, ToggleSet(), true, {"no-fusion+int8"}), "");
  EXPECT_EQ(value, "int8,no-fusion");
  EXPECT_EQ(Parse(value, ToggleSet(), true, {"bf16+bf16"}), "");
  EXPECT_EQ(value, "bf16");
  const std::string error = Parse(value, ToggleSet(), true, {"int8+fp16"});
  EXPECT_NE(error.find("two precisions"), std::string::npos) << error;
  EXPECT_NE(error.find("int8"), std::string::npos) << error;
  EXPECT_NE(error.find("fp16"), std::string::npos) << error;
}

TEST(OptionChecksTest, SeedsAreExactDecimalUint64) {
  uint64_t seed = 1;
  EXPECT_EQ(Parse(seed, Seed(), true, {"18446744073709551615"}), "");
  EXPECT_EQ(seed, std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(Parse(seed, Seed(), true, {"0"}), "");
  EXPECT_EQ(seed, 0u);
  // CLI11 alone reads "010" as octal 8: the seed a user typed is the seed stored.
  EXPECT_EQ(Parse(seed, Seed(), true, {"010"}), "");
  EXPECT_EQ(seed, 10u);
  for (const char* bad : {"-1", "18446744073709551616", "99999999999999999999999", "0x10", "+5",
                          "1.5", "1e3", "", " 7"}) {
    SCOPED_TRACE(bad);
    seed = 3;
    const std::string error = Parse(seed, Seed(), true, {bad});
    EXPECT_NE(error.find("is not a seed"), std::string::npos) << error;
    EXPECT_NE(error.find("18446744073709551615"), std::string::npos) << error;
    EXPECT_EQ(seed, 3u);
  }
}

TEST(OptionChecksTest, ParseSeedNeverWraps) {
  EXPECT_EQ(ParseSeed("18446744073709551615"), std::numeric_limits<uint64_t>::max());
  EXPECT_FALSE(ParseSeed("18446744073709551616"));
  EXPECT_FALSE(ParseSeed("-1"));
  EXPECT_FALSE(ParseSeed("-0"));
}

TEST(OptionChecksTest, RunIdsAreWholeNumbersFromOne) {
  int64_t run = 0;
  EXPECT_EQ(Parse(run, RunId(), true, {"9223372036854775807"}), "");
  EXPECT_EQ(run, std::numeric_limits<int64_t>::max());
  EXPECT_EQ(Parse(run, RunId(), true, {"012"}), "");
  EXPECT_EQ(run, 12);
  for (const char* bad : {"0", "-3", "99999999999999999999", "9223372036854775808", "1.0", "x"}) {
    SCOPED_TRACE(bad);
    const std::string error = Parse(run, RunId(), true, {bad});
    EXPECT_NE(error.find("is not a valid run id"), std::string::npos) << error;
    EXPECT_LT(error.size(), 120u) << "a range error must be readable: " << error;
  }
}

TEST(OptionChecksTest, WholeNumbersHaveShortRangeMessages) {
  int threads = 1;
  const std::string error = Parse(threads, WholeNumber(1, 4096, "a thread count"), true, {"0"});
  EXPECT_NE(error.find("'0' is not a thread count from 1 to 4096"), std::string::npos) << error;
  EXPECT_NE(Parse(threads, WholeNumber(1, 4096, "a thread count"), true, {"4097"}), "");
  EXPECT_NE(Parse(threads, WholeNumber(1, 4096, "a thread count"), true, {"nan"}), "");
  EXPECT_EQ(Parse(threads, WholeNumber(1, 4096, "a thread count"), true, {"08"}), "");
  EXPECT_EQ(threads, 8);
}

TEST(OptionChecksTest, DatabaseFileMustBeAFile) {
  std::string db;
  for (const char* bad : {"", ":memory:", "file:x.db?mode=memory"}) {
    SCOPED_TRACE(bad);
    EXPECT_NE(Parse(db, DatabaseFile(), false, {bad}).find("must name a database file"),
              std::string::npos);
  }
  EXPECT_EQ(Parse(db, DatabaseFile(), false, {"results.db"}), "");
  EXPECT_EQ(Parse(db, DatabaseFile(), false, {"./:memory:"}), "");
#ifdef EDGEBENCH_HAVE_POSTGRES
  // A PostgreSQL server, but never with a password in the URL.
  EXPECT_EQ(Parse(db, DatabaseFile(), false, {"postgresql://lab@db.lab/edgebench"}), "");
  EXPECT_NE(Parse(db, DatabaseFile(), false, {"postgresql://lab:pw@db.lab/edgebench"})
                .find("PGPASSWORD or ~/.pgpass"),
            std::string::npos);
#endif
}

TEST(OptionChecksTest, InputShapesAreCheckedAndStoredCanonically) {
  std::string shapes;
  EXPECT_EQ(Parse(shapes, InputShapeList(), true, {"y:2,x:1x3"}), "");
  EXPECT_EQ(shapes, "x:1x3,y:2");  // one spelling per set of shapes: jobs compare equal
  EXPECT_EQ(Parse(shapes, InputShapeList(), true, {"1x3x224x224"}), "");
  EXPECT_EQ(shapes, "1x3x224x224");
  for (const char* bad : {"x:0x3", "x:1x3,x:1x3", "1x3,x:2", ":1x3", "x:"}) {
    SCOPED_TRACE(bad);
    EXPECT_NE(Parse(shapes, InputShapeList(), true, {bad}), "");
  }
  EXPECT_NE(Parse(shapes, InputShapeList(), true, {"x:1xAx8"}).find("not a shape"),
            std::string::npos);
}

std::vector<int> Available() {
  cpu_set_t set;
  CPU_ZERO(&set);
  EXPECT_EQ(sched_getaffinity(0, sizeof(set), &set), 0);
  std::vector<int> cpus;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
  }
  return cpus;
}

TEST(OptionChecksTest, CpuListsAreCheckedAgainstTheCpusThisProcessMayUse) {
  const std::vector<int> available = Available();
  ASSERT_FALSE(available.empty());
  std::string pin;
  EXPECT_EQ(Parse(pin, AvailableCpuList(), false, {std::to_string(available.front())}), "");
  EXPECT_EQ(Parse(pin, AvailableCpuList(), false, {FormatCpuList(available)}), "");
  // CPU_SETSIZE - 1 exists on no machine this runs on, yet parses as a CPU number.
  const std::string error =
      Parse(pin, AvailableCpuList(), false, {std::to_string(CPU_SETSIZE - 1)});
  EXPECT_NE(error.find("CPU " + std::to_string(CPU_SETSIZE - 1) + " is not available"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("(available: " + FormatCpuList(available) + ")"), std::string::npos)
      << error;
  EXPECT_NE(Parse(pin, AvailableCpuList(), false, {"abc"}).find("not a CPU list"),
            std::string::npos);
  EXPECT_NE(Parse(pin, AvailableCpuList(), false, {"3-1"}), "");
}

TEST(OptionChecksTest, FormatCpuListIsCompact) {
  EXPECT_EQ(FormatCpuList({}), "");
  EXPECT_EQ(FormatCpuList({0}), "0");
  EXPECT_EQ(FormatCpuList({0, 1, 2, 3, 6, 8, 9}), "0-3,6,8-9");
}

TEST(OptionChecksTest, AppendUniqueMergesRepeatsWithANote) {
  std::vector<std::string> ids;
  std::ostringstream notes;
  EXPECT_TRUE(AppendUnique(ids, "resnet-18", "resnet-18", "--models", notes));
  EXPECT_TRUE(AppendUnique(ids, "alexnet", "alexnet", "--models", notes));
  EXPECT_EQ(notes.str(), "");
  EXPECT_FALSE(AppendUnique(ids, "resnet-18", "resnet-18", "--models", notes));
  EXPECT_FALSE(AppendUnique(ids, "resnet-18", "resnet-18@224", "--models", notes));
  EXPECT_EQ(ids, (std::vector<std::string>{"resnet-18", "alexnet"}));
  EXPECT_NE(notes.str().find("--models names resnet-18 more than once"), std::string::npos)
      << notes.str();
  EXPECT_NE(notes.str().find("'resnet-18@224' is resnet-18 again"), std::string::npos)
      << notes.str();
}

}  // namespace
}  // namespace edgebench::cli
