#include "models/precision.hpp"

#include <algorithm>

namespace llmsim::models {

Precision Precision::from_dtype(DType d) {
    Precision p;
    switch (d) {
        case DType::fp32:
        case DType::tf32:
            p.weights = DType::fp32;
            p.compute = d;
            p.kv_cache = DType::fp32;
            p.activations = DType::fp32;
            break;
        case DType::fp16:
        case DType::bf16:
            p.weights = p.compute = p.kv_cache = p.activations = d;
            break;
        case DType::fp8:
            p.weights = p.compute = p.kv_cache = DType::fp8;
            p.activations = DType::bf16;
            break;
        case DType::fp4:
            p.weights = p.compute = DType::fp4;
            p.kv_cache = DType::fp8;
            p.activations = DType::bf16;
            break;
        case DType::int8:
        case DType::int4:
            p.weights = d;
            p.compute = p.kv_cache = p.activations = DType::fp16;
            break;
    }
    return p;
}

DType Precision::attention_math() const {
    return compute == DType::fp8 || compute == DType::fp4 ? DType::fp16 : compute;
}

double Precision::gemm_input_bytes() const {
    return std::min(dtype_bytes(compute), dtype_bytes(activations));
}

}  // namespace llmsim::models
