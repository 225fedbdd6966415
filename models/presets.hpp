#pragma once
// Built-in model architectures (ids in the CLI contract) and the resolver for `--model ID|PATH`.
#include <string>
#include <vector>

#include "models/model_spec.hpp"

namespace llmsim::models {

struct ModelPreset {
    std::string id;
    std::string description;
    ModelSpec spec;
};

const std::vector<ModelPreset>& model_presets();
std::vector<std::string> model_preset_ids();

// A preset id, or a path to a Hugging Face config.json. Unknown ids list the valid ones and the nearest match.
ModelSpec resolve_model(const std::string& id_or_path, const std::string& where = "--model");

}  // namespace llmsim::models
