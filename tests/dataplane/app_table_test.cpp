// The application registry and AppTable's id assignment: built-in names are
// reserved, custom applications get one instance per table (per worker), and
// a name keeps its id across config reloads.
#include "app/app_table.hpp"

#include <gtest/gtest.h>

namespace tcpterm::app {
namespace {

class Silent : public Application {
 public:
  void on_accept(Stream&) override {}
  size_t on_data(Stream&, std::span<const uint8_t> data) override { return data.size(); }
  void on_peer_fin(Stream&) override {}  // the default closes, which needs a worker
};

TEST(AppRegistry, BuiltinNamesAreReserved) {
  EXPECT_FALSE(register_application("http", [] { return std::make_unique<Silent>(); }));
  EXPECT_FALSE(register_application("", [] { return std::make_unique<Silent>(); }));
  EXPECT_FALSE(register_application("nothing", nullptr));
  EXPECT_EQ(builtin_kind("echo"), AppKind::kEcho);
  EXPECT_FALSE(builtin_kind("silent").has_value());
}

TEST(AppRegistry, CustomApplicationsOneInstancePerTable) {
  static int instances = 0;
  ASSERT_TRUE(register_application("silent", [] {
    ++instances;
    return std::make_unique<Silent>();
  }));
  EXPECT_FALSE(register_application("silent", [] { return std::make_unique<Silent>(); }));
  std::vector<std::string> names = application_names();
  EXPECT_EQ(names, (std::vector<std::string>{"http", "echo", "discard", "silent"}));

  AppTable worker1(HttpSettings{}), worker2(HttpSettings{});
  std::optional<uint16_t> a = worker1.add("silent");
  std::optional<uint16_t> b = worker1.add("http");
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
  EXPECT_EQ(worker1.add("silent"), a);  // same name, same id (reloads)
  EXPECT_EQ(instances, 1);
  worker2.add("silent");
  EXPECT_EQ(instances, 2);
  EXPECT_FALSE(worker1.add("nope").has_value());
}

}  // namespace
}  // namespace tcpterm::app
