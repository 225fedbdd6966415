#include "tools/calibration/op_measurement.hpp"

#include <algorithm>

namespace llmsim::tools {

hardware::Measurement launch_measurement(const models::Op& op, const std::string& tag) {
    hardware::Measurement m;
    m.op_class = op.op_class;
    m.op_name = std::string(op.name);
    m.dtype = op.dtype;
    m.m = op.m;
    m.n = op.n;
    m.k = op.k;
    m.flops = op.flops / op.kernels;
    m.bytes = op.bytes / op.kernels;
    m.rows = std::max(1.0, op.rows / op.kernels);
    m.tag = tag;
    return m;
}

}  // namespace llmsim::tools
