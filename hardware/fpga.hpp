#pragma once
// FPGA mechanisms (docs/hardware.md#fpga), after FlightLLM (Zeng et al., FPGA'24): a configurable sparse DSP chain
// that skips the zeros of N:M-sparse weights (GEMM math / (M/N x efficiency), and only the kept weights are read);
// mixed-precision weights (average bits per weight, which scales the weight reads); always-on-chip decode
// (element-wise activations that fit the on-chip memory never touch HBM); length-adaptive compilation (without it,
// a prefill is padded up to the next power-of-two compiled length). A profile of kind "fpga" must carry an "fpga"
// object.
#include <cstdint>
#include <string>

#include "common/json_io.hpp"
#include "common/kernel.hpp"

namespace llmsim::hardware {

struct FpgaSpec {
    DType matrix_dtype = DType::int8;  // what the DSP chain multiplies in (GEMMs run at its peak)
    int32_t dsp_count = 0;
    double clock_hz = 0;
    int32_t sparsity_n = 0;  // N:M structured sparsity of the weights (0:0 = dense)
    int32_t sparsity_m = 0;
    double sparse_efficiency = 1.0;  // fraction of the ideal M/N speed-up the DSP chain reaches
    double weight_bits = 0;          // average stored bits per weight (mixed precision); 0: the dtype's
    double on_chip_bytes = 0;        // activations up to this size stay on chip (always-on-chip decode); 0: off
    bool length_adaptive = true;
    std::string source;

    // Speed-up of GEMM math and weight reads from sparsity (1 when dense).
    [[nodiscard]] double sparsity_speedup() const;
    // Factor on a GEMM's bytes: mixed-precision bits over the matrix dtype's (run the model with --dtype equal to
    // matrix_dtype, so its weight bytes are at that width), divided by the sparsity speed-up.
    [[nodiscard]] double gemm_bytes_factor() const;
};

FpgaSpec fpga_from_json(const Json& j, const std::string& where);
OrderedJson fpga_to_json(const FpgaSpec& f);

// Tokens a prefill of `tokens` is computed at: itself with length-adaptive compilation, else the next power of two.
int64_t fpga_compiled_tokens(const FpgaSpec& f, int64_t tokens);

}  // namespace llmsim::hardware
