// The fixture of every conformance suite: one adapter, opened by the suite's Backend type.
#pragma once

#include <gtest/gtest.h>

#include <memory>

namespace volkrin::test {

// Backend::open() gives the adapter, or nullptr when this machine lacks what it needs (a
// PostgreSQL server, an S3 service, Redis): then the test is skipped, or fails when open()
// reported a failure (VOLKRIN_REQUIRE_SERVICES). Backend::close() removes what
// open() made, after the adapter is gone.
template <typename Backend, typename Port>
class BackendFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = backend_.open();
    if (store_ == nullptr) {
      // open() reports a service that is required here but missing as a failure: then
      // nothing may run.
      if (HasFailure()) FAIL() << "the backend could not be opened";
      GTEST_SKIP() << "this backend is not available here";
    }
  }
  void TearDown() override {
    store_.reset();
    backend_.close();
  }

  Port& store() { return *store_; }
  Backend& backend() { return backend_; }

 private:
  Backend backend_;
  std::unique_ptr<Port> store_;
};

}  // namespace volkrin::test
