#pragma once
// Helpers for the traces tests: capture a typed error's message, check it names file, line and value.
#include <catch2/catch.hpp>

#include <string>

#include "common/error.hpp"

namespace llmsim::test {

// Runs `f`, expects it to throw E, returns the message (what()).
template <class E, class F>
std::string error_message(F&& f) {
    try {
        f();
    } catch (const E& e) {
        return e.what();
    } catch (const std::exception& e) {
        FAIL("threw the wrong exception type: " << e.what());
    }
    FAIL("expected an exception");
    return {};
}

// The one-line message must name the file, the line number and the offending value.
inline void check_positioned(const std::string& msg, const std::string& path, int line, const std::string& value) {
    INFO(msg);
    CHECK(msg.find(path + ":" + std::to_string(line)) != std::string::npos);
    CHECK(msg.find(value) != std::string::npos);
    CHECK(msg.find('\n') == std::string::npos);
}

}  // namespace llmsim::test
