// Signature Version 4: AWS's published S3 examples, encoding rules and the key cache.
#include "support/sigv4.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "support/crypto.hpp"

namespace volkrin::sigv4 {
namespace {

using ::testing::HasSubstr;

// The credentials, bucket and time of the examples in AWS's S3 signing documentation.
constexpr std::int64_t kExampleTime = 1369353600;  // 2013-05-24T00:00:00Z
constexpr const char* kHost = "examplebucket.s3.amazonaws.com";

Signer example_signer() {
  return Signer({"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}, "us-east-1");
}

std::string signature_of(const std::string& authorization) {
  const auto at = authorization.find("Signature=");
  return at == std::string::npos ? "" : authorization.substr(at + 10);
}

TEST(SigV4, amz_date_is_compact_utc) {
  EXPECT_EQ(amz_date(kExampleTime), "20130524T000000Z");
  EXPECT_EQ(amz_date(0), "19700101T000000Z");
  EXPECT_EQ(amz_date(1'700'000'000), "20231114T221320Z");
}

TEST(SigV4, uri_encoding_keeps_only_unreserved_bytes) {
  EXPECT_EQ(uri_encode("AZaz09-._~", false), "AZaz09-._~");
  EXPECT_EQ(uri_encode("a b+c*d$e!f'(g)", false), "a%20b%2Bc%2Ad%24e%21f%27%28g%29");
  EXPECT_EQ(uri_encode("/bucket/a b/c", true), "/bucket/a%20b/c");
  EXPECT_EQ(uri_encode("/bucket/a b/c", false), "%2Fbucket%2Fa%20b%2Fc");
  EXPECT_EQ(uri_encode("M\xC3\xBCller", true), "M%C3%BCller");
  EXPECT_EQ(uri_encode("100%", true), "100%25");
}

TEST(SigV4, canonical_query_is_sorted_by_name_then_value) {
  EXPECT_EQ(canonical_query({{"prefix", "J"}, {"max-keys", "2"}}), "max-keys=2&prefix=J");
  EXPECT_EQ(canonical_query({{"lifecycle", ""}}), "lifecycle=");
  EXPECT_EQ(canonical_query({{"b", "2"}, {"a", "z"}, {"b", "1"}, {"a b", "c/d"}}),
            "a=z&a%20b=c%2Fd&b=1&b=2");
}

TEST(SigV4, request_target_writes_empty_values_bare) {
  Request request{"POST", "/bucket/a b.mp3", {{"uploads", ""}}, {}};
  EXPECT_EQ(request_target(request), "/bucket/a%20b.mp3?uploads");
  request.query = {{"uploadId", "x/y"}, {"partNumber", "2"}};
  EXPECT_EQ(request_target(request), "/bucket/a%20b.mp3?partNumber=2&uploadId=x%2Fy");
  EXPECT_EQ(request_target(Request{"GET", "", {}, {}}), "/");
}

TEST(SigV4, aws_example_get_object_with_range) {
  Request request{"GET", "/test.txt", {}, {{"Host", kHost}, {"Range", "bytes=0-9"}}};
  const Canonical canonical =
      canonical_request(Request{"GET",
                                "/test.txt",
                                {},
                                {{"Host", kHost},
                                 {"Range", "bytes=0-9"},
                                 {"x-amz-content-sha256", std::string(kEmptyPayloadHash)},
                                 {"x-amz-date", "20130524T000000Z"}}},
                        kEmptyPayloadHash);
  EXPECT_EQ(canonical.request,
            "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
            "x-amz-content-sha256:"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
            "x-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(
      string_to_sign("20130524T000000Z", "20130524/us-east-1/s3/aws4_request", canonical.request),
      "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
      "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  const std::string authorization = example_signer().sign(request, kEmptyPayloadHash, kExampleTime);
  EXPECT_EQ(authorization,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4, aws_example_put_object_with_a_reserved_character_in_the_key) {
  const std::string body = "Welcome to Amazon S3.";
  const std::string payload_hash = crypto::hex_encode(crypto::sha256(body));
  ASSERT_EQ(payload_hash, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  Request request{"PUT",
                  "/test$file.text",
                  {},
                  {{"Host", kHost},
                   {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                   {"x-amz-storage-class", "REDUCED_REDUNDANCY"}}};
  const std::string authorization = example_signer().sign(request, payload_hash, kExampleTime);
  EXPECT_THAT(authorization, HasSubstr("SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;"
                                       "x-amz-storage-class,"));
  EXPECT_EQ(signature_of(authorization),
            "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
  EXPECT_EQ(request_target(request), "/test%24file.text");
  std::erase_if(request.headers, [](const auto& h) { return h.first == "Authorization"; });
  EXPECT_THAT(canonical_request(request, payload_hash).request,
              ::testing::StartsWith("PUT\n/test%24file.text\n\ndate:Fri, 24 May 2013 00:00:00 "
                                    "GMT\nhost:examplebucket.s3.amazonaws.com\n"));
}

TEST(SigV4, aws_example_get_bucket_lifecycle) {
  Request request{"GET", "/", {{"lifecycle", ""}}, {{"Host", kHost}}};
  EXPECT_EQ(signature_of(example_signer().sign(request, kEmptyPayloadHash, kExampleTime)),
            "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(SigV4, aws_example_list_objects) {
  Request request{"GET", "/", {{"prefix", "J"}, {"max-keys", "2"}}, {{"Host", kHost}}};
  EXPECT_EQ(signature_of(example_signer().sign(request, kEmptyPayloadHash, kExampleTime)),
            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(SigV4, aws_example_presigned_get) {
  Request request{"GET", "/test.txt", {}, {{"Host", kHost}}};
  example_signer().presign(request, kExampleTime, 86400);
  EXPECT_EQ(canonical_query(request.query),
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2F"
            "us-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&"
            "X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404&"
            "X-Amz-SignedHeaders=host");
}

TEST(SigV4, presign_replaces_earlier_signing_parameters_and_keeps_others) {
  Request request{"GET", "/b/k", {{"response-content-type", "audio/mpeg"}}, {{"Host", "h"}}};
  const Signer signer = example_signer();
  signer.presign(request, kExampleTime, 60);
  signer.presign(request, kExampleTime + 1, 120);
  EXPECT_EQ(request.query.size(), 7u);
  EXPECT_EQ(request.query.front().first, "response-content-type");
  EXPECT_THAT(canonical_query(request.query), HasSubstr("X-Amz-Expires=120"));
  EXPECT_THAT(canonical_query(request.query), HasSubstr("X-Amz-Date=20130524T000001Z"));
}

TEST(SigV4, presign_refuses_lifetimes_s3_refuses) {
  Request request{"GET", "/b/k", {}, {{"Host", "h"}}};
  EXPECT_THROW(example_signer().presign(request, kExampleTime, 0), std::invalid_argument);
  EXPECT_THROW(example_signer().presign(request, kExampleTime, kMaxPresignSeconds + 1),
               std::invalid_argument);
  EXPECT_NO_THROW(example_signer().presign(request, kExampleTime, kMaxPresignSeconds));
}

TEST(SigV4, sign_replaces_generated_headers) {
  Request request{"GET", "/test.txt", {}, {{"Host", kHost}, {"Range", "bytes=0-9"}}};
  const Signer signer = example_signer();
  signer.sign(request, kEmptyPayloadHash, kExampleTime + 86400);
  const std::string again = signer.sign(request, kEmptyPayloadHash, kExampleTime);
  EXPECT_EQ(request.headers.size(), 5u);
  EXPECT_EQ(signature_of(again),
            "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4, header_values_are_trimmed_and_repeated_names_joined) {
  const Canonical canonical = canonical_request(
      Request{"GET", "/", {}, {{"Host", "h"}, {"X-A", "  a \t  b  "}, {"x-a", "c"}}},
      kUnsignedPayload);
  EXPECT_EQ(canonical.request, "GET\n/\n\nhost:h\nx-a:a b,c\n\nhost;x-a\nUNSIGNED-PAYLOAD");
}

TEST(SigV4, signing_key_follows_the_day) {
  const Signer signer = example_signer();
  const std::string first = signer.signing_key("20130524");
  EXPECT_EQ(first.size(), 32u);
  EXPECT_EQ(signer.signing_key("20130524"), first);
  EXPECT_NE(signer.signing_key("20130525"), first);
  EXPECT_EQ(signer.signing_key("20130524"), first);
  const Signer other_region({"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
                            "eu-west-1");
  EXPECT_NE(other_region.signing_key("20130524"), first);
}

}  // namespace
}  // namespace volkrin::sigv4
