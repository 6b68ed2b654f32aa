// The schemas built into the library from workloads/schema/ (whatever is
// there: the set grows as schemas are written).
#include <algorithm>

#include "input_test_util.hpp"
#include "sim/input/embedded_schemas.hpp"
#include "sim/input/schema_check.hpp"

namespace qtsim::input {
namespace {

TEST(EmbeddedSchemas, NamesAreSortedAndEachSchemaIsUsable) {
  const std::vector<std::string> names = embedded_schema_names();
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  for (const std::string& name : names) {
    const nlohmann::json& schema = embedded_schema(name);
    EXPECT_TRUE(schema.is_object()) << name;
    EXPECT_NO_THROW(check_schema(schema)) << name;
    EXPECT_EQ(&schema, &embedded_schema(name)) << "parsed once, then shared";
  }
}

TEST(EmbeddedSchemas, UnknownNameIsOutOfRange) {
  EXPECT_THROW(embedded_schema("no-such-schema"), std::out_of_range);
}

}  // namespace
}  // namespace qtsim::input
