#pragma once
// Numeric formats of one deployment: weights, GEMM math, KV cache, activations.
#include "common/kernel.hpp"

namespace llmsim::models {

struct Precision {
    DType weights = DType::fp16;
    DType compute = DType::fp16;  // math type of GEMMs (selects the device peak)
    DType kv_cache = DType::fp16;
    DType activations = DType::fp16;  // tensors between kernels
    // A quantized KV format (--kv-dtype int2:group=32 ...) sets the bits one cached element costs with its scale,
    // zero and outlier metadata, and the work of dequantizing it inside attention; 0 keeps kv_cache's plain size.
    double kv_bits_per_element = 0;
    double kv_dequant_ops_per_element = 0;

    // `--dtype fp8` means FP8 weights, FP8 GEMMs and an FP8 KV cache (TensorRT-LLM's FP8 recipe); `--dtype fp4`
    // means NVFP4 weights and GEMM inputs with an FP8 KV cache (TensorRT-LLM's NVFP4 recipe); int8/int4 are
    // weight-only formats with fp16 math.
    static Precision from_dtype(DType d);
    [[nodiscard]] double weight_bytes() const { return dtype_bytes(weights); }
    [[nodiscard]] double kv_bytes() const {
        return kv_bits_per_element > 0 ? kv_bits_per_element / 8.0 : dtype_bytes(kv_cache);
    }
    [[nodiscard]] double act_bytes() const { return dtype_bytes(activations); }
    // Bytes of a GEMM input activation: quantised to the math type when it is narrower.
    [[nodiscard]] double gemm_input_bytes() const;
    // Math type of attention kernels: 8- and 4-bit GEMM recipes keep attention in 16-bit.
    [[nodiscard]] DType attention_math() const;
};

}  // namespace llmsim::models
