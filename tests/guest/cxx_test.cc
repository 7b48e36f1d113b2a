// A small C++ program: exceptions (throw across frames, rethrow, nested try,
// catch by base class, catch(...), a destructor running during unwinding - which
// exercises the DWARF unwinder reading the guest's own .eh_frame), std::string,
// std::map, std::vector with std::sort, std::unique_ptr, virtual dispatch, static
// initialization order, and iostream formatting.
#include <algorithm>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

int failures = 0;
void Check(bool ok, const char* what) {
  if (!ok) {
    std::cout << "FAIL: " << what << "\n";
    ++failures;
  }
}

struct ParseError : std::runtime_error {
  explicit ParseError(const std::string& what, int where)
      : std::runtime_error(what), position(where) {}
  int position;
};

int destructor_runs = 0;
struct Guard {
  ~Guard() { ++destructor_runs; }
};

int ParseDigit(char c, int position) {
  Guard guard;
  if (c < '0' || c > '9') throw ParseError(std::string("not a digit: ") + c, position);
  return c - '0';
}

long ParseNumber(const std::string& s) {
  long value = 0;
  for (size_t i = 0; i < s.size(); ++i) value = value * 10 + ParseDigit(s[i], static_cast<int>(i));
  return value;
}

struct Animal {
  virtual ~Animal() = default;
  virtual std::string Sound() const = 0;
  virtual int Legs() const { return 4; }
};
struct Dog : Animal {
  std::string Sound() const override { return "woof"; }
};
struct Bird : Animal {
  std::string Sound() const override { return "tweet"; }
  int Legs() const override { return 2; }
};

std::map<std::string, int>& Registry() {
  static std::map<std::string, int> registry;
  return registry;
}
struct Registrar {
  Registrar(const char* name, int value) { Registry()[name] = value; }
};
Registrar register_one("one", 1);
Registrar register_two("two", 2);

}  // namespace

int main() {
  // Exceptions.
  Check(ParseNumber("12345") == 12345, "ParseNumber");
  try {
    ParseNumber("12x45");
    Check(false, "no exception");
  } catch (const ParseError& e) {
    std::cout << "caught ParseError at " << e.position << ": " << e.what() << "\n";
    Check(e.position == 2, "position");
  }
  Check(destructor_runs == 8, "destructors ran during unwinding");  // 5 + 3
  int caught = 0;
  for (int i = 0; i < 1000; ++i) {
    try {
      try {
        if (i % 3 == 0) throw std::out_of_range("range");
        if (i % 3 == 1) throw 42;
        throw std::string("text");
      } catch (const std::logic_error&) {
        caught += 1;
        throw;  // rethrow to the outer handler
      }
    } catch (const std::exception& e) {
      caught += 10;
    } catch (int v) {
      caught += v;
    } catch (...) {
      caught += 1000;
    }
  }
  std::cout << "exception score " << caught << "\n";
  Check(caught == 334 * 11 + 333 * 42 + 333 * 1000, "exception score");

  // std::string.
  std::string s = "dynamic";
  s += " binary";
  s.insert(0, "a ");
  s.append(" translator");
  std::string upper = s;
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  std::cout << s << " | " << upper << " | find(binary)=" << s.find("binary")
            << " | substr=" << s.substr(2, 7) << "\n";
  Check(s == "a dynamic binary translator", "string ops");
  std::string long_string(1000, 'x');
  long_string.replace(10, 5, "hello");
  Check(long_string.size() == 1000 && long_string.compare(10, 5, "hello") == 0, "replace");

  // std::map and std::vector.
  std::map<std::string, int> counts;
  std::istringstream words("the cat and the dog and the bird");
  for (std::string w; words >> w;) ++counts[w];
  for (const auto& [word, n] : counts) std::cout << word << "=" << n << " ";
  std::cout << "\n";
  Check(counts["the"] == 3 && counts["and"] == 2 && counts.size() == 5, "map counts");
  std::vector<int> v;
  unsigned x = 1;
  for (int i = 0; i < 10000; ++i)
    v.push_back(static_cast<int>((x = x * 1103515245u + 12345u) >> 8) % 1000);
  std::sort(v.begin(), v.end());
  Check(std::is_sorted(v.begin(), v.end()), "sorted");
  auto range = std::equal_range(v.begin(), v.end(), 500);
  std::cout << "vector: min " << v.front() << " max " << v.back() << " count(500) "
            << (range.second - range.first) << "\n";

  // Virtual dispatch through unique_ptr.
  std::vector<std::unique_ptr<Animal>> zoo;
  zoo.push_back(std::make_unique<Dog>());
  zoo.push_back(std::make_unique<Bird>());
  zoo.push_back(std::make_unique<Dog>());
  int legs = 0;
  for (const auto& a : zoo) {
    legs += a->Legs();
    std::cout << a->Sound() << " ";
  }
  std::cout << "legs " << legs << "\n";
  Check(legs == 10, "legs");

  Check(Registry().size() == 2 && Registry()["two"] == 2, "static initialization");

  // iostream formatting.
  std::cout << std::hex << 255 << " " << std::dec << 255 << " " << std::setw(8) << std::setfill('0')
            << 42 << " " << std::setprecision(10) << 3.14159265358979 << " " << std::scientific
            << 1e-5 << std::fixed << " " << 2.5 << "\n";
  std::cerr << "to stderr via std::cerr\n";

  std::cout << (failures ? "FAILED" : "ALL CHECKS PASSED") << std::endl;
  return failures ? 1 : 0;
}
