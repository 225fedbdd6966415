#pragma once
// Python objects <-> JSON values, the form every llmsim entry point takes and returns.
#include <pybind11/pybind11.h>

#include <string>

#include "common/json_io.hpp"

namespace llmsim::python {

// dict (str keys), list/tuple, str, bool, int, float and None; anything else throws InputError naming `where` and the
// key path below it ("config#/tp"), as a JSON file's bad value would.
Json json_from_python(pybind11::handle obj, const std::string& where);

// Objects keep their key order. Non-finite numbers become None: the CLI's JSON prints them as null.
pybind11::object python_from_json(const OrderedJson& value);

}  // namespace llmsim::python
