#pragma once
// Shared by the KV-policy unit tests: a bad --kv-policy / --kv-dtype must throw UsageError naming the flag and value.
#include <catch2/catch.hpp>
#include <optional>
#include <string>

#include "common/error.hpp"
#include "models/presets.hpp"
#include "policies/kv/compression/kv_policy.hpp"

namespace llmsim::test {

inline void expect_kv_usage_error(const std::string& policy, const std::string& format, const std::string& model,
                                  int64_t context, const std::string& flag, const std::string& value) {
    auto opt = [](const std::string& t) { return t.empty() ? std::nullopt : std::optional<std::string>(t); };
    auto prec = models::Precision::from_dtype(DType::fp16);  // the policy may change the KV format in place
    try {
        (void)policies::make_kv_policy(opt(policy), "--kv-policy", opt(format), "--kv-dtype",
                                       models::resolve_model(model), context, prec);
        FAIL("no error for policy '" << policy << "' format '" << format << "'");
    } catch (const UsageError& e) {
        const std::string what = e.what();
        INFO(what);
        CHECK(what.find(flag) != std::string::npos);
        CHECK(what.find(value) != std::string::npos);
    }
}

}  // namespace llmsim::test
