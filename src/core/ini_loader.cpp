// From a parsed INI document to deployment intent (engine.md §3.2–§3.4): classifies the
// sections, reads decky keys, expands `amount`, and attaches [decky.service] personas.
#include "core/ini_loader.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <unordered_map>
#include <utility>

#include "core/error.hpp"
#include "core/fleet_builder.hpp"
#include "core/ini_parser.hpp"
#include "core/ipv4.hpp"
#include "core/service_catalog.hpp"

namespace decnet {
namespace {

// What Python's str.strip()/int() treat as whitespace (ASCII): values may hold '\n' from
// continuation lines, and `services = a,\n  b` must still yield "b".
constexpr std::string_view kWhitespace = " \t\n\r\f\v";
constexpr std::string_view kCustomPrefix = "custom-";
constexpr std::string_view kAlertsPrefix = "alerts.";
constexpr std::size_t kMaxEcho = 100;

// A 512 KB upload could otherwise ask for gigabytes: `amount=100` copies a section a
// hundred times, and one [X.svc] persona (with every [DEFAULT] key) is copied into every
// matching decky. Everything the loader materialises is charged against this.
constexpr std::size_t kMaxExpandedBytes = 64u << 20;

std::string_view strip(std::string_view text) {
    const auto first = text.find_first_not_of(kWhitespace);
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(kWhitespace);
    return text.substr(first, last - first + 1);
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// A value as echoed in a message (`got '<raw>'`): verbatim, but never megabytes long.
std::string echo(std::string_view raw) {
    if (raw.size() <= kMaxEcho) return std::string(raw);
    return std::string(raw.substr(0, kMaxEcho)) + "…";
}

// Python's int(text) in base 10 over ASCII: surrounding whitespace, an optional sign,
// digits with single underscores between them. Python ints are unbounded, so the value
// is kept as its canonical digits ("7" for "+007"); nullopt when int() would raise.
struct PyInt {
    bool negative = false;
    std::string digits;  // no leading zeros; "0" for zero
};

std::optional<PyInt> parse_python_int(std::string_view text) {
    text = strip(text);
    PyInt out;
    if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
        out.negative = text.front() == '-';
        text.remove_prefix(1);
    }
    if (text.empty() || !is_digit(text.front()) || !is_digit(text.back())) return std::nullopt;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '_') {
            if (!is_digit(text[i - 1]) || !is_digit(text[i + 1])) return std::nullopt;
        } else if (!is_digit(text[i])) {
            return std::nullopt;
        } else if (!(out.digits.empty() && text[i] == '0')) {
            out.digits += text[i];
        }
    }
    if (out.digits.empty()) out.digits = "0";
    return out;
}

// The value when it lies in [0, limit], else nullopt (too large, or negative).
std::optional<long long> small_value(const PyInt& number, long long limit) {
    if (number.negative && number.digits != "0") return std::nullopt;
    if (number.digits.size() > 18) return std::nullopt;
    const long long value = std::stoll(number.digits);
    return value <= limit ? std::optional(value) : std::nullopt;
}

// `ports = 99, abc, 100` → [99, 100]: all-digit items that fit a port; the rest dropped.
std::vector<std::uint16_t> parse_ports(std::string_view list) {
    std::vector<std::uint16_t> ports;
    std::size_t start = 0;
    while (start <= list.size()) {
        const auto comma = std::min(list.find(',', start), list.size());
        const std::string_view item = strip(list.substr(start, comma - start));
        start = comma + 1;
        if (item.empty() || !std::all_of(item.begin(), item.end(), is_digit)) continue;
        const auto first = std::min(item.find_first_not_of('0'), item.size());
        if (item.size() - first > 5) continue;
        const long value = first == item.size() ? 0 : std::stol(std::string(item.substr(first)));
        if (value >= 1 && value <= 65535) ports.push_back(static_cast<std::uint16_t>(value));
    }
    return ports;
}

// `services = a, b,` → ["a", "b", ""]: items stripped, empty ones kept for validation.
std::vector<std::string> split_list(std::string_view list) {
    std::vector<std::string> items;
    std::size_t start = 0;
    while (start <= list.size()) {
        const auto comma = std::min(list.find(',', start), list.size());
        items.emplace_back(strip(list.substr(start, comma - start)));
        start = comma + 1;
    }
    return items;
}

// `-01` … `-99`, `-100`.
// (Built with append, not insert + operator+: GCC 12 at -O3 reports a false -Wrestrict
// overlap for the latter.)
std::string expanded_name(const std::string& base, int index) {
    std::string name = base;
    name += '-';
    if (index < 10) name += '0';
    name += std::to_string(index);
    return name;
}

std::size_t string_cost(std::string_view text) {
    return sizeof(std::string) + text.size();
}

std::size_t optional_cost(const std::optional<std::string>& text) {
    return text ? text->size() : 0;
}

std::size_t spec_cost(const DeckySpec& spec, std::size_t name_size) {
    std::size_t cost = sizeof(DeckySpec) + name_size + optional_cost(spec.ip) +
                       optional_cost(spec.archetype) + optional_cost(spec.nmap_os) +
                       optional_cost(spec.fs_dir) + optional_cost(spec.hostname) +
                       optional_cost(spec.distro);
    if (spec.services)
        for (const std::string& item : *spec.services) cost += string_cost(item);
    return cost;
}

std::size_t entries_cost(const std::vector<IniEntry>& entries) {
    std::size_t cost = 0;
    for (const IniEntry& entry : entries) cost += 64 + entry.key.size() + entry.value.size();
    return cost;
}

class ExpansionBudget {
  public:
    explicit ExpansionBudget(const std::string& source) : source_(source) {}

    // Charges `count` copies of something of `each` bytes, or throws.
    void charge(std::size_t count, std::size_t each, int line) {
        const std::size_t left = kMaxExpandedBytes - used_;
        if (each != 0 && count > left / each)
            throw ConfigError(
                "INI expands to too much configuration (over 64 MiB): reduce amount=, the "
                "number of deckies or the size of [DEFAULT] and persona sections",
                source_, line);
        used_ += count * each;
    }

  private:
    const std::string& source_;
    std::size_t used_ = 0;
};

enum class SectionKind { general, custom, persona, decky, prober, alerts, geoip };

// Reads a document in the reference's two passes: deckies and custom services in file
// order, then persona subsections onto the deckies they name. Each decky section is checked
// as far as it can be without the network (names, services, archetype, ip syntax), so the
// first problem found is the first in the file.
class Interpreter {
  public:
    Interpreter(const IniDocument& document, const std::string& source)
        : document_(document), budget_(source) {
        config_.source = source;
        for (const IniEntry& entry : document.defaults) defaults_.emplace(entry.key, &entry);
        // A decky may use a custom service declared further down.
        for (const IniSection& section : document.sections)
            if (classify(section) == SectionKind::custom)
                custom_names_.push_back(section.name.substr(kCustomPrefix.size()));
    }

    IniReading run() {
        bool general_failed = false;
        for (const IniSection& section : document_.sections) {
            const SectionKind kind = classify(section);
            // After the first problem only what planning needs: the network and the
            // custom services that the deckies before it may use.
            if (kind == SectionKind::persona || (error_ && kind == SectionKind::decky)) continue;
            const std::size_t deckies_before = config_.deckies.size();
            try {
                read_section(kind, section);
            } catch (const ConfigError& error) {
                // No half-expanded section is kept.
                config_.deckies.erase(
                    config_.deckies.begin() + static_cast<std::ptrdiff_t>(deckies_before),
                    config_.deckies.end());
                general_failed = general_failed || kind == SectionKind::general;
                if (!error_) error_ = error;
            }
        }
        if (!error_) {
            try {
                attach_personas();
            } catch (const ConfigError& error) {
                error_ = error;
            }
        }
        // Without a trustworthy [general], no address could be checked.
        if (general_failed) config_.deckies.clear();
        return {std::move(config_), std::move(error_)};
    }

  private:
    static SectionKind classify(const IniSection& section) {
        if (section.name == "general") return SectionKind::general;
        if (section.name == "prober") return SectionKind::prober;
        if (section.name == "geoip") return SectionKind::geoip;
        // Before personas: `[alerts.ssh]` names a webhook target, not decky `alerts`'s ssh.
        if (section.name == "alerts" || section.name.starts_with(kAlertsPrefix))
            return SectionKind::alerts;
        if (section.name.starts_with(kCustomPrefix)) return SectionKind::custom;
        if (persona_service(section.name)) return SectionKind::persona;
        return SectionKind::decky;
    }

    void read_section(SectionKind kind, const IniSection& section) {
        switch (kind) {
            case SectionKind::general:
                read_general(section);
                break;
            case SectionKind::custom:
                read_custom(section);
                break;
            case SectionKind::prober:
                // Its own keys only ([DEFAULT] holds decky keys); checked by the prober.
                for (const IniEntry& entry : section.entries) {
                    config_.prober[entry.key] = entry.value;
                    config_.prober_origins[entry.key] = SourceLine{config_.source, entry.line};
                }
                break;
            case SectionKind::alerts:
                read_alerts(section);
                break;
            case SectionKind::geoip:
                // Its own keys only; checked by intel/geoip when the instance starts.
                for (const IniEntry& entry : section.entries) {
                    config_.geoip[entry.key] = entry.value;
                    config_.geoip_origins[entry.key] = SourceLine{config_.source, entry.line};
                }
                break;
            case SectionKind::decky:
                read_decky(section);
                break;
            case SectionKind::persona:
                break;  // pass 2
        }
    }

    // A webhook target's own keys ([DEFAULT] holds decky keys); checked by the dispatcher.
    void read_alerts(const IniSection& section) {
        const std::string name = section.name == "alerts"
                                     ? std::string("default")
                                     : section.name.substr(kAlertsPrefix.size());
        auto& keys = config_.alerts[name];
        auto& origins = config_.alerts_origins[name];
        origins[""] = SourceLine{config_.source, section.line};
        for (const IniEntry& entry : section.entries) {
            keys[entry.key] = entry.value;
            origins[entry.key] = SourceLine{config_.source, entry.line};
        }
    }

    // `[X.svc]` is a persona subsection only when `svc` is a registered service.
    static std::optional<std::string_view> persona_service(std::string_view name) {
        const auto dot = name.rfind('.');
        if (dot == std::string_view::npos) return std::nullopt;
        const std::string_view service = name.substr(dot + 1);
        if (find_service(service) == nullptr) return std::nullopt;
        return service;
    }

    // Own entry, else the [DEFAULT] one. Indexed, because a large [DEFAULT] times many
    // sections would make IniDocument::lookup's scan quadratic.
    const IniEntry* get(const IniSection& section, std::string_view key) const {
        if (const IniEntry* own = section.find(key)) return own;
        const auto it = defaults_.find(key);
        return it == defaults_.end() ? nullptr : it->second;
    }

    // configparser's `section.get(a) or section.get(b)`: the first non-empty one.
    const IniEntry* first_non_empty(const IniSection& section, std::string_view a,
                                    std::string_view b) const {
        const IniEntry* entry = get(section, a);
        if (entry && !entry->value.empty()) return entry;
        entry = get(section, b);
        return entry && !entry->value.empty() ? entry : nullptr;
    }

    std::optional<std::string> non_empty(const IniSection& section, std::string_view key) const {
        const IniEntry* entry = get(section, key);
        if (!entry || entry->value.empty()) return std::nullopt;
        return entry->value;
    }

    // net= and gw= are checked here, in file order, rather than when the network is built.
    void read_general(const IniSection& section) {
        GeneralSection general;
        if (const IniEntry* net = get(section, "net"); net && !net->value.empty()) {
            checked("[general] net=: ", net->line, [&] { Subnet::parse(net->value); });
            general.net = net->value;
            general.net_line = net->line;
        }
        if (const IniEntry* gw = get(section, "gw"); gw && !gw->value.empty()) {
            checked("[general] gw=: ", gw->line, [&] { Ipv4::parse(gw->value); });
            general.gw = gw->value;
        }
        general.interface = non_empty(section, "interface");
        config_.general = std::move(general);
    }

    // Runs `check`, giving its ConfigError a prefix and this file's `line`.
    template <typename Check>
    void checked(const std::string& prefix, int line, Check check) const {
        try {
            check();
        } catch (const ConfigError& error) {
            fail(prefix + error.what(), line);
        }
    }

    void read_custom(const IniSection& section) {
        CustomService service;
        service.name = section.name.substr(kCustomPrefix.size());
        service.image = non_empty(section, "binary").value_or("");
        service.exec = non_empty(section, "exec").value_or("");
        if (const IniEntry* ports = get(section, "ports"))
            service.ports = parse_ports(ports->value);
        config_.custom_services.push_back(std::move(service));
    }

    void read_decky(const IniSection& section) {
        DeckySpec spec;
        spec.line = section.line;
        spec.ip = non_empty(section, "ip");
        if (const auto services = non_empty(section, "services"))
            spec.services = split_list(*services);
        spec.archetype = non_empty(section, "archetype");
        if (const IniEntry* os = first_non_empty(section, "nmap_os", "nmap-os"))
            spec.nmap_os = os->value;
        spec.mutate_interval = read_mutate_interval(section);
        spec.fs_dir = read_fs_dir(section);
        spec.hostname = read_hostname(section);
        spec.distro = non_empty(section, "distro");
        const int amount = read_amount(section, spec);
        const std::size_t first = config_.deckies.size();
        expand(section, std::move(spec), amount);
        // Once, on the first decky of the section: its copies differ only in name.
        checked("", section.line, [&] { check_decky_spec(config_.deckies[first], custom_names_); });
    }

    // The operator's files for the decky's fake filesystem. Only from a file the operator
    // gave the CLI: an INI posted to the API must not make a decky serve host directories.
    std::optional<std::string> read_fs_dir(const IniSection& section) const {
        const IniEntry* entry = first_non_empty(section, "fs_dir", "fs-dir");
        if (!entry) return std::nullopt;
        const std::string prefix = "[" + section.name + "] fs_dir=";
        if (config_.source.empty())
            fail(prefix + " is only accepted in an INI file given to the CLI", entry->line);
        std::error_code ec;
        const auto dir = std::filesystem::absolute(std::string(strip(entry->value)), ec);
        if (ec || !std::filesystem::is_directory(dir, ec))
            fail(prefix + " is not a directory: '" + echo(entry->value) + "'", entry->line);
        return dir.lexically_normal().string();
    }

    // decnet's addition (the reference always drew one): the name every protocol of the
    // decky gives, as RFC 1123 allows it — labels of letters, digits and inner hyphens.
    std::optional<std::string> read_hostname(const IniSection& section) const {
        // The section's own key only: a [DEFAULT] hostname would name every decky alike.
        const IniEntry* entry = section.find("hostname");
        if (!entry || entry->value.empty()) return std::nullopt;
        const std::string value(strip(entry->value));
        bool valid = !value.empty() && value.size() <= 253;
        std::size_t label = 0;
        for (std::size_t i = 0; valid && i <= value.size(); ++i) {
            const char c = i < value.size() ? value[i] : '.';
            if (c == '.') {
                valid = label > 0 && label <= 63 && value[i - 1] != '-';
                label = 0;
            } else {
                const bool alnum =
                    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
                valid = alnum || (c == '-' && label > 0);
                ++label;
            }
        }
        if (!valid)
            fail("[" + section.name +
                     "] hostname= must be an RFC 1123 host name (letters, digits, "
                     "inner hyphens; labels of 1-63 characters), got '" +
                     echo(entry->value) + "'",
                 entry->line);
        return value;
    }

    std::optional<int> read_mutate_interval(const IniSection& section) const {
        const IniEntry* entry = first_non_empty(section, "mutate_interval", "mutate-interval");
        if (!entry) return std::nullopt;
        const std::string prefix = "[" + section.name + "] mutate_interval= must be ";
        const std::string got = ", got '" + echo(entry->value) + "'";
        const auto number = parse_python_int(entry->value);
        if (!number) fail(prefix + "an integer" + got, entry->line);
        if (number->negative || number->digits == "0")
            fail(prefix + "at least 1" + got, entry->line);
        const auto value = small_value(*number, std::numeric_limits<int>::max());
        if (!value) fail(prefix + "at most 2147483647" + got, entry->line);
        return static_cast<int>(*value);
    }

    int read_amount(const IniSection& section, const DeckySpec& spec) const {
        const IniEntry* entry = get(section, "amount");
        if (!entry) return 1;
        const std::string_view raw = strip(entry->value);
        const auto number = parse_python_int(raw);
        if (!number || number->negative || number->digits == "0")
            fail("[" + section.name + "] amount= must be a positive integer, got '" + echo(raw) +
                     "'",
                 entry->line);
        const auto amount = small_value(*number, kMaxAmount);
        if (!amount)
            fail("[" + section.name + "] amount=" + echo(number->digits) +
                     " exceeds maximum allowed (" + std::to_string(kMaxAmount) + ").",
                 entry->line);
        if (*amount > 1 && spec.ip)
            fail("[" + section.name + "] Cannot combine ip= with amount=" +
                     std::to_string(*amount) + ". Remove ip= or use amount=1.",
                 entry->line);
        if (*amount > 1 && spec.hostname)
            fail("[" + section.name + "] Cannot combine hostname= with amount=" +
                     std::to_string(*amount) + ". Remove hostname= or use amount=1.",
                 entry->line);
        return static_cast<int>(*amount);
    }

    // amount=1 → the section's own name; N > 1 → <name>-01 … <name>-N, each without ip.
    void expand(const IniSection& section, DeckySpec spec, int amount) {
        if (amount == 1) {
            spec.name = section.name;
            budget_.charge(1, spec_cost(spec, spec.name.size()), section.line);
            add_decky(std::move(spec));
            return;
        }
        budget_.charge(amount, spec_cost(spec, section.name.size() + 4), section.line);
        for (int index = 1; index <= amount; ++index) {
            DeckySpec copy = spec;
            copy.name = expanded_name(section.name, index);
            add_decky(std::move(copy));
        }
    }

    void add_decky(DeckySpec spec) {
        try {
            validate_decky_name(spec.name);
        } catch (const ConfigError& error) {
            fail(error.what(), spec.line);
        }
        config_.deckies.push_back(std::move(spec));
    }

    // Pass 2: `[X.svc]` goes to the decky named exactly X, else to every decky whose name
    // starts with "X-" (how `[group.ssh]` reaches group-01…). Names are looked up in a
    // sorted index, so many subsections over many deckies stay O(n log n).
    void attach_personas() {
        std::vector<std::pair<std::string_view, std::size_t>> names;
        names.reserve(config_.deckies.size());
        for (std::size_t i = 0; i < config_.deckies.size(); ++i)
            names.emplace_back(config_.deckies[i].name, i);
        std::sort(names.begin(), names.end());
        const std::size_t defaults_cost = entries_cost(document_.defaults);
        for (const IniSection& section : document_.sections) {
            if (classify(section) != SectionKind::persona) continue;
            const std::string_view service = *persona_service(section.name);
            const std::string_view decky =
                std::string_view(section.name).substr(0, section.name.size() - service.size() - 1);
            const auto [first, last] = matching(names, decky);
            if (first == last) continue;
            budget_.charge(static_cast<std::size_t>(last - first),
                           entries_cost(section.entries) + defaults_cost, section.line);
            PersonaConfig persona;
            for (IniEntry& entry : document_.effective_entries(section))
                persona[std::move(entry.key)] = std::move(entry.value);
            // Only the section's own keys: [DEFAULT] keys reach every section, so an
            // unknown one there is not a persona typo.
            std::map<std::string, SourceLine> origins;
            for (const IniEntry& entry : section.entries)
                origins[entry.key] = SourceLine{config_.source, entry.line};
            for (auto it = first; it != last; ++it) {
                auto& decky = config_.deckies[it->second];
                decky.service_config[std::string(service)] = persona;
                decky.persona_origins[std::string(service)] = origins;
            }
        }
    }

    using NameIndex = std::vector<std::pair<std::string_view, std::size_t>>;

    static std::pair<NameIndex::const_iterator, NameIndex::const_iterator> matching(
        const NameIndex& names, std::string_view decky) {
        const auto by_name = [](const auto& entry, std::string_view name) {
            return entry.first < name;
        };
        const auto exact_first = std::lower_bound(names.begin(), names.end(), decky, by_name);
        auto exact_last = exact_first;
        while (exact_last != names.end() && exact_last->first == decky) ++exact_last;
        if (exact_first != exact_last) return {exact_first, exact_last};
        // Every name starting with "X-" sorts in ["X-", "X.") as '.' follows '-'.
        const std::string low = std::string(decky) + "-";
        const std::string high = std::string(decky) + ".";
        return {std::lower_bound(names.begin(), names.end(), low, by_name),
                std::lower_bound(names.begin(), names.end(), high, by_name)};
    }

    [[noreturn]] void fail(const std::string& message, int line) const {
        throw ConfigError(message, config_.source, line);
    }

    const IniDocument& document_;
    std::unordered_map<std::string_view, const IniEntry*> defaults_;
    std::vector<std::string> custom_names_;
    ExpansionBudget budget_;
    IniConfig config_;
    std::optional<ConfigError> error_;
};

IniConfig config_or_throw(IniReading reading) {
    if (reading.error) throw *reading.error;
    return std::move(reading.config);
}

}  // namespace

IniReading read_ini(const IniDocument& document, const std::string& source) {
    return Interpreter(document, source).run();
}

IniConfig interpret_ini(const IniDocument& document, const std::string& source) {
    return config_or_throw(read_ini(document, source));
}

IniReading read_ini_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ConfigError("Config file not found: " + path);
    // Read one byte past the limit so parse_ini reports an oversized file without this
    // process reading all of it.
    std::string text(kMaxIniBytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (in.bad()) throw ConfigError("Config file not found: " + path);
    text.resize(static_cast<std::size_t>(in.gcount()));
    return read_ini(parse_ini(text, IniDuplicates::reject, path), path);
}

IniConfig load_ini_file(const std::string& path) {
    return config_or_throw(read_ini_file(path));
}

IniConfig load_ini_string(std::string_view text) {
    return interpret_ini(parse_ini(text, IniDuplicates::merge), {});
}

}  // namespace decnet
