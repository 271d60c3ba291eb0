// Unit tests for the URL-valued variables' edge cases: IP literals, ports, user info, paths.
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "support/config.hpp"

namespace volkrin {
namespace {

using Vars = std::map<std::string, std::string>;

Config load(Vars vars) {
  return load_config([vars = std::move(vars)](const std::string& name) {
    const auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  });
}

std::string error_for(Vars vars) {
  try {
    load(std::move(vars));
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "load_config accepted the configuration";
  return {};
}

Vars s3_vars(const std::string& endpoint) {
  return {{"S3_BUCKET", "volkrin-media"},
          {"AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"},
          {"AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
          {"S3_ENDPOINT", endpoint}};
}

std::string cors_error(const std::string& entry) {
  return error_for({{"CORS_ORIGINS", entry}});
}

std::string cors_message(const std::string& entry, const std::string& why) {
  return "CORS_ORIGINS: entry \"" + entry + "\" " + why +
         " (expected \"*\" or scheme://host[:port] with http or https)";
}

std::string redis_message(const std::string& why, const std::string& shown) {
  return "REDIS_URL: " + why +
         " (expected redis://[user:password@]host[:port][/db] or rediss://... for TLS, got \"" +
         shown + "\")";
}

TEST(ConfigUrls, ip_literals_keep_their_spelling_in_lower_case) {
  const Config cfg =
      load({{"CORS_ORIGINS", "http://[::1],http://[::FFFF:1.2.3.4]:8080,http://[0:0::1]:80"}});
  EXPECT_EQ(cfg.cors_origins,
            (std::vector<std::string>{"http://[::1]", "http://[::ffff:1.2.3.4]:8080",
                                      "http://[0:0::1]"}));
  EXPECT_EQ(load(s3_vars("http://[::1]:9000")).s3->endpoint, "http://[::1]:9000");
}

TEST(ConfigUrls, bad_ip_literals_are_named_as_such) {
  for (const char* entry : {"http://[::1", "http://[v1.x]", "http://[1.2.3.4]", "http://[]",
                            "http://[::1::2]", "http://[zz]x"}) {
    EXPECT_EQ(cors_error(entry), cors_message(entry, "has an invalid IPv6 address"));
  }
  EXPECT_EQ(cors_error("http://[::1]x"), cors_message("http://[::1]x", "has an invalid host"));
}

TEST(ConfigUrls, ports_empty_out_of_range_or_malformed_are_refused) {
  EXPECT_EQ(cors_error("http://h:"), cors_message("http://h:", "has an empty port"));
  EXPECT_EQ(cors_error("http://[::1]:"), cors_message("http://[::1]:", "has an empty port"));
  for (const char* entry : {"http://h:0", "http://h:65536", "http://h:8a", "http://h:1:2",
                            "http://[::1]:x", "http://h:99999999999999999999"}) {
    EXPECT_EQ(cors_error(entry), cors_message(entry, "has an invalid port (expected 1..65535)"));
  }
  EXPECT_EQ(load({{"CORS_ORIGINS", "http://h:00080,https://h:0443,http://h:65535"}}).cors_origins,
            (std::vector<std::string>{"http://h", "https://h", "http://h:65535"}));
}

TEST(ConfigUrls, host_names_with_escapes_or_sub_delimiters_are_refused) {
  for (const char* entry : {"http://%41.example", "http://a%20b", "http://exa$mple.com",
                            "http://a<b", "http://1.2.3.256", "http://", "http://:80"}) {
    EXPECT_EQ(cors_error(entry), cors_message(entry, "has an invalid host"));
  }
}

TEST(ConfigUrls, user_info_is_refused_without_echoing_it) {
  for (const char* entry :
       {"http://user%40x:hunter2@h", "http://:hunter2@h", "http://u:hunter2@[zz"}) {
    const std::string message = cors_error(entry);
    EXPECT_NE(message.find("must not contain a user name or password"), std::string::npos)
        << message;
    EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
  }
  EXPECT_EQ(error_for({{"PUBLIC_BASE_URL", "https://u:hunter2@h/x"}}),
            "PUBLIC_BASE_URL: must not contain a user name or password (expected an absolute http "
            "or https URL, got \"https://***@h/x\")");
}

TEST(ConfigUrls, schemes_other_than_http_are_refused_with_one_message) {
  for (const char* entry : {"https:/x://h", "ftp://h", "h", "xhttp://h", "://h", "http:h"}) {
    EXPECT_EQ(cors_error(entry), cors_message(entry, "must start with http:// or https://"));
  }
  EXPECT_EQ(load({{"CORS_ORIGINS", "HtTpS://H"}}).cors_origins,
            std::vector<std::string>{"https://h"});
}

TEST(ConfigUrls, public_base_url_keeps_its_path_as_written) {
  EXPECT_EQ(load({{"PUBLIC_BASE_URL", "https://H.example:8443/a|b/%zz/\xC3\xBC/"}}).public_base_url,
            "https://h.example:8443/a|b/%zz/\xC3\xBC");
  EXPECT_EQ(load({{"PUBLIC_BASE_URL", "http://[::1]:80//"}}).public_base_url, "http://[::1]/");
}

TEST(ConfigUrls, queries_and_fragments_are_refused_where_they_make_no_sense) {
  EXPECT_EQ(error_for({{"PUBLIC_BASE_URL", "https://h/x?"}}),
            "PUBLIC_BASE_URL: must not have a query or fragment (expected an absolute http or "
            "https URL, got \"https://h/x?\")");
  EXPECT_EQ(error_for({{"PUBLIC_BASE_URL", "https://h#"}}),
            "PUBLIC_BASE_URL: must not have a query or fragment (expected an absolute http or "
            "https URL, got \"https://h#\")");
  EXPECT_EQ(error_for(s3_vars("http://h/#x")),
            "S3_ENDPOINT: must not have a path, query or fragment (expected http(s)://host[:port], "
            "got \"http://h/#x\")");
  EXPECT_EQ(load(s3_vars("http://h/")).s3->endpoint, "http://h");
  EXPECT_EQ(cors_error("http://h?"),
            cors_message("http://h?", "must not have a path, query or trailing '/'"));
}

TEST(ConfigUrls, redis_ip_literals_and_hosts) {
  EXPECT_EQ(load({{"REDIS_URL", "redis://[::1]"}}).redis->host, "::1");
  EXPECT_EQ(load({{"REDIS_URL", "redis://[FE80::1]:7000"}}).redis->host, "fe80::1");
  EXPECT_EQ(error_for({{"REDIS_URL", "redis://[::1"}}),
            redis_message("has an invalid IPv6 address", "redis://[::1"));
  EXPECT_EQ(error_for({{"REDIS_URL", "redis://[zz]x"}}),
            redis_message("has an invalid host", "redis://[zz]x"));
  for (const char* value : {"redis://[zz]", "redis://[v1.x]", "redis://::1:6379", "redis://",
                            "redis://a$b", "redis://%41"}) {
    EXPECT_EQ(error_for({{"REDIS_URL", value}}),
              redis_message("has an invalid or missing host", value));
  }
}

TEST(ConfigUrls, redis_ports_and_paths) {
  for (const char* value : {"redis://h:", "redis://h:0", "redis://h:65536", "redis://h:1x",
                            "redis://[::1]:", "redis://h:1:2"}) {
    EXPECT_EQ(error_for({{"REDIS_URL", value}}),
              redis_message("has an invalid port (expected 1..65535)", value));
  }
  EXPECT_EQ(load({{"REDIS_URL", "redis://h:00080"}}).redis->port, 80);
  for (const char* value : {"redis://h/1|2", "redis://h/%31", "redis://h//1"}) {
    EXPECT_EQ(error_for({{"REDIS_URL", value}}),
              redis_message("has an invalid database number in its path", value));
  }
  for (const char* value : {"redis://h/1?a|b", "redis://h?", "redis://h/#"}) {
    EXPECT_EQ(error_for({{"REDIS_URL", value}}),
              redis_message("query parameters and fragments are not supported", value));
  }
  EXPECT_EQ(load({{"REDIS_URL", "redis://h/"}}).redis->db, 0u);
  EXPECT_EQ(load({{"REDIS_URL", "redis://h/1000000"}}).redis->db, 1000000u);
}

TEST(ConfigUrls, redis_user_info_is_percent_decoded_and_never_echoed) {
  const Config cfg = load({{"REDIS_URL", "redis://us%3Aer:pa+ss%40%2F%25@h"}});
  EXPECT_EQ(cfg.redis->username, "us:er");
  EXPECT_EQ(cfg.redis->password, "pa+ss@/%");
  EXPECT_EQ(load({{"REDIS_URL", "redis://:a:b@h"}}).redis->password, "a:b");
  EXPECT_EQ(error_for({{"REDIS_URL", "redis://u:hunter2%zz@h"}}),
            redis_message("has an invalid %-escape in its credentials (write % as %25)",
                          "redis://***@h"));
  EXPECT_EQ(error_for({{"REDIS_URL", "redis://hunter2@h"}}),
            redis_message("needs user:password or :password before '@'", "redis://***@h"));
  EXPECT_EQ(error_for({{"REDIS_URL", "redis://u:@h"}}),
            redis_message("has an empty password", "redis://***@h"));
  for (const char* value :
       {"redis://u:hunter2@[::1]:0", "redis://u:hunter2@h/x", "redis://u:hunter2@h?x",
        "redis://u:hunter2@[zz]", "redis://u:hunter2@h:"}) {
    const std::string message = error_for({{"REDIS_URL", value}});
    EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
    EXPECT_NE(message.find("redis://***@"), std::string::npos) << message;
  }
}

TEST(ConfigUrls, redis_scheme_and_spaces) {
  EXPECT_EQ(error_for({{"REDIS_URL", "redis:/h"}}),
            redis_message("must start with redis:// or rediss://", "redis:/h"));
  EXPECT_EQ(error_for({{"REDIS_URL", "redis://h\t"}}),
            redis_message("must not contain spaces or control characters", "redis://h\\t"));
  EXPECT_TRUE(load({{"REDIS_URL", "RedisS://h"}}).redis->tls);
}

}  // namespace
}  // namespace volkrin
