#pragma once
// Import of a Hugging Face `config.json` (architecture fields only). Supported families: Llama, Mistral, Mixtral,
// Qwen2 (and Qwen2-MoE), Qwen3 (and Qwen3-MoE), DeepSeek-V2/V3 (MLA), Gemma 2/3, Llama 4, GPT-2, GPT-J, GPT-NeoX,
// OPT, Falcon, Phi (phi, phi3), BLOOM. Multimodal Gemma 3 and Llama 4 configs are read from their text_config.
#include <string>
#include <vector>

#include "common/json_io.hpp"
#include "models/model_spec.hpp"

namespace llmsim::models {

ModelSpec import_hf_config(const std::string& path);
// `name` is used in messages and as the model id.
ModelSpec import_hf_config_json(const Json& config, const std::string& name);
std::vector<std::string> supported_hf_model_types();

}  // namespace llmsim::models
