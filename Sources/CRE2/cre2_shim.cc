#include "cre2_shim.h"

#include <re2/re2.h>

#include <cstring>
#include <string>

namespace {

void copyOut(const std::string &text, char *out, size_t capacity) {
    if (out == nullptr || capacity == 0) return;
    size_t count = text.size() < capacity - 1 ? text.size() : capacity - 1;
    std::memcpy(out, text.data(), count);
    out[count] = '\0';
}

}  // namespace

extern "C" int logbook_re2_check(
    const char *pattern, size_t length, int latin1, int64_t *program_size,
    char *error, size_t error_capacity, char *error_arg, size_t error_arg_capacity) {
    // Envoy's options: RE2's defaults (max_mem 8 MiB) without logging.
    RE2::Options options;
    options.set_log_errors(false);
    if (latin1) options.set_encoding(RE2::Options::EncodingLatin1);
    RE2 regex(re2::StringPiece(pattern, length), options);
    if (!regex.ok()) {
        if (program_size != nullptr) *program_size = -1;
        // error() is "<description>: <argument>"; keep the description alone.
        std::string description = regex.error();
        const std::string &argument = regex.error_arg();
        const std::string suffix = ": " + argument;
        if (!argument.empty() && description.size() >= suffix.size()
            && description.compare(description.size() - suffix.size(), suffix.size(), suffix) == 0) {
            description.resize(description.size() - suffix.size());
        }
        copyOut(description, error, error_capacity);
        copyOut(argument, error_arg, error_arg_capacity);
        int code = static_cast<int>(regex.error_code());
        return code > 0 ? code : 1;
    }
    if (program_size != nullptr) *program_size = regex.ProgramSize();
    copyOut("", error, error_capacity);
    copyOut("", error_arg, error_arg_capacity);
    return 0;
}
