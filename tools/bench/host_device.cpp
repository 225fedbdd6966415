#include "tools/bench/host_device.hpp"

#include <fmt/format.h>

#include <iostream>

namespace llmsim::bench {

const std::string& host_device_json() {
    // Kept byte-for-byte equal to hardware/base/host.json (a unit test compares them).
    static const std::string text = R"json({
  "schema_version": 1,
  "id": "host",
  "name": "Host CPU (generic base for calibrating this machine)",
  "kind": "cpu",
  "source": "ceilings above any current host, not a datasheet: fitted efficiencies are fractions of them",
  "peak_flops": {
    "fp32": "50TFLOPS",
    "bf16": "100TFLOPS"
  },
  "memory": {
    "capacity": "16GiB",
    "bandwidth": "5TB/s",
    "type": "DDR + caches"
  },
  "interconnect": {
    "intra_node": {
      "kind": "shared-memory",
      "bandwidth": "20GB/s",
      "latency": "2us",
      "devices_per_node": 1
    },
    "inter_node": {
      "kind": "ethernet",
      "bandwidth": "10Gb/s",
      "latency": "20us"
    },
    "host": {
      "kind": "shared-memory",
      "bandwidth": "20GB/s",
      "latency": "1us"
    }
  },
  "tdp": "200W",
  "notes": "capacity sizes the KV pool of run and bench serve; see docs/calibration.md"
}
)json";
    return text;
}

hardware::DeviceSpec host_device_spec() {
    return hardware::device_from_json(Json::parse(host_device_json()), "built-in host profile");
}

bool names_host_device(const std::string& id, const std::string& flag) {
    if (id == kHostDeviceId) return true;
    if (id != kDeprecatedHostDeviceId) return false;
    std::cerr << fmt::format(
        "llmsim: warning: {0} {1} is a deprecated alias of {0} {2} (this machine's built-in host profile); "
        "--hardware {1} elsewhere means the xeon-8480 preset: use {0} {2}\n",
        flag, kDeprecatedHostDeviceId, kHostDeviceId);
    return true;
}

}  // namespace llmsim::bench
