# The Python module (python/): built where a Python 3 interpreter with its C headers and pybind11 (Debian:
# python3-dev, pybind11-dev) are found; otherwise the build goes on without it and its test reports itself skipped.
# -DPython3_EXECUTABLE=/path/to/python3 picks the interpreter; -DLLMSIM_PYTHON=OFF leaves the module out.
# Sets LLMSIM_PYTHON_MODULE (ON when the module is built) and Python3_EXECUTABLE (when any interpreter was found).
option(LLMSIM_PYTHON "Build the Python module (python/) when Python headers and pybind11 are found" ON)
set(LLMSIM_PYTHON_MODULE OFF)
set(LLMSIM_PYTHON_MISSING "")
if(LLMSIM_PYTHON AND (LLMSIM_SANITIZE OR LLMSIM_FUZZ))
  # A sanitizer runtime must be loaded before the interpreter starts, so such a module would not import.
  set(LLMSIM_PYTHON_MISSING "a sanitizer build (LLMSIM_SANITIZE/LLMSIM_FUZZ) cannot be imported by python3")
elseif(LLMSIM_PYTHON)
  if(NOT Python3_EXECUTABLE)
    # The first interpreter whose C headers exist: python3 on PATH (a pyenv or venv one) and then the system's, so
    # an interpreter without headers earlier on PATH does not hide /usr/bin/python3 with python3-dev installed.
    find_program(LLMSIM_PATH_PYTHON3 NAMES python3 NO_CACHE)
    foreach(candidate IN ITEMS ${LLMSIM_PATH_PYTHON3} /usr/bin/python3)
      if(NOT EXISTS "${candidate}")
        continue()
      endif()
      execute_process(
        COMMAND "${candidate}" -c
                "import os, sys, sysconfig; print(sys.executable if os.path.exists(os.path.join(sysconfig.get_paths()['include'], 'Python.h')) else '')"
        OUTPUT_VARIABLE with_headers OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE rc)
      if(rc EQUAL 0 AND with_headers)
        set(Python3_EXECUTABLE "${with_headers}" CACHE FILEPATH "Python interpreter the llmsim module is built for")
        break()
      endif()
    endforeach()
  endif()
  find_package(Python3 3.8 COMPONENTS Interpreter Development.Module QUIET)
  if(NOT Python3_Development.Module_FOUND)
    set(LLMSIM_PYTHON_MISSING "Python headers (apt-get install python3-dev)")
  else()
    find_package(pybind11 2.6 CONFIG QUIET)
    if(NOT pybind11_FOUND)
      set(LLMSIM_PYTHON_MISSING "pybind11 (apt-get install pybind11-dev)")
    else()
      set(LLMSIM_PYTHON_MODULE ON)
    endif()
  endif()
else()
  set(LLMSIM_PYTHON_MISSING "-DLLMSIM_PYTHON=OFF")
endif()
if(LLMSIM_PYTHON_MODULE)
  message(STATUS "llmsim: Python ${Python3_VERSION} (${Python3_EXECUTABLE}) and pybind11 ${pybind11_VERSION} found: "
                 "building the llmsim Python module")
else()
  message(STATUS "llmsim: Python module not built: ${LLMSIM_PYTHON_MISSING}")
endif()
