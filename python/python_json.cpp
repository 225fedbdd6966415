#include "python/python_json.hpp"

#include <cmath>

#include "common/error.hpp"

namespace py = pybind11;

namespace llmsim::python {

Json json_from_python(py::handle obj, const std::string& where) {
    if (obj.is_none()) return nullptr;
    if (py::isinstance<py::bool_>(obj)) return obj.cast<bool>();  // before int: bool is an int in Python
    if (py::isinstance<py::int_>(obj)) {
        try {
            return obj.cast<int64_t>();
        } catch (const py::cast_error&) {
            throw InputError(where, "integer " + py::str(obj).cast<std::string>() + " is out of range");
        }
    }
    if (py::isinstance<py::float_>(obj)) return obj.cast<double>();
    if (py::isinstance<py::str>(obj)) return obj.cast<std::string>();
    if (py::isinstance<py::dict>(obj)) {
        Json out = Json::object();
        for (const auto& [key, value] : obj.cast<py::dict>()) {
            if (!py::isinstance<py::str>(key)) {
                throw InputError(where, "keys must be strings, got " + py::repr(key).cast<std::string>());
            }
            const std::string k = key.cast<std::string>();
            out[k] = json_from_python(value, where + "/" + k);
        }
        return out;
    }
    if (py::isinstance<py::list>(obj) || py::isinstance<py::tuple>(obj)) {
        Json out = Json::array();
        size_t i = 0;
        for (const auto& item : obj)
            out.push_back(json_from_python(item, where + "/" + std::to_string(i++)));
        return out;
    }
    throw InputError(where, "expected a string, number, boolean, None, list or dict, got " +
                                py::str(py::type::of(obj).attr("__name__")).cast<std::string>() + " " +
                                py::repr(obj).cast<std::string>());
}

py::object python_from_json(const OrderedJson& value) {
    switch (value.type()) {
        case OrderedJson::value_t::null:
            return py::none();
        case OrderedJson::value_t::boolean:
            return py::bool_(value.get<bool>());
        case OrderedJson::value_t::number_integer:
            return py::int_(value.get<int64_t>());
        case OrderedJson::value_t::number_unsigned:
            return py::int_(value.get<uint64_t>());
        case OrderedJson::value_t::number_float: {
            const double v = value.get<double>();
            return std::isfinite(v) ? py::object(py::float_(v)) : py::none();
        }
        case OrderedJson::value_t::string:
            return py::str(value.get_ref<const std::string&>());
        case OrderedJson::value_t::array: {
            py::list out;
            for (const auto& item : value)
                out.append(python_from_json(item));
            return out;
        }
        case OrderedJson::value_t::object: {
            py::dict out;
            for (const auto& [key, item] : value.items())
                out[py::str(key)] = python_from_json(item);
            return out;
        }
        case OrderedJson::value_t::binary:
        case OrderedJson::value_t::discarded:
            break;
    }
    throw InternalError("python_from_json", "unexpected JSON value type");
}

}  // namespace llmsim::python
