// The atomics IR test (tests/ir/atomics.tir) in an AOT binary: a generated @main calls the
// function of every `; run:` line with its arguments and counts the results that differ, so LLVM's
// atomicrmw/cmpxchg/load atomic/store atomic are checked against the expectations the
// interpreter and the ctjit meet (tir_run does not run IR through the AOT backend).
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "aot_test_util.h"

using namespace aot_test;

namespace {

// `%r:type = iconst v` for each argument, the call, and `acc += (result != expected)`.
std::string CheckRunLine(const ir::Module& m, const std::smatch& run, uint32_t& reg, uint32_t& acc) {
  const ir::Function& f = m.functions[m.FindFunction(run[1].str())];
  std::ostringstream out, args;
  std::istringstream values(run[2].str());
  std::string value;
  for (size_t i = 0; std::getline(values, value, ','); ++i) {
    std::string type(ir::TypeName(f.sig.params[i].scalar));
    out << "  %" << reg << ":" << type << " = iconst " << value << "\n";
    args << (i ? ", " : "") << "%" << reg++ << ": " << type;
  }
  std::string ret(ir::TypeName(f.sig.ret.scalar));
  uint32_t got = reg++, want = reg++, differs = reg++, wide = reg++, sum = reg++;
  out << "  %" << got << ":" << ret << " = call @" << run[1] << "(" << args.str() << ")\n"
      << "  %" << want << ":" << ret << " = iconst " << run[3] << "\n"
      << "  %" << differs << ":i8 = icmp ne " << ret << " %" << got << ", %" << want << "\n"
      << "  %" << wide << ":i32 = zext %" << differs << "\n"
      << "  %" << sum << ":i32 = add %" << acc << ", %" << wide << "\n";
  acc = sum;
  return out.str();
}

}  // namespace

TEST_CASE("tests/ir/atomics.tir: every run line has its expected result in an AOT binary") {
  namespace fs = std::filesystem;
  std::ifstream in(std::string(THRUSTC_IR_TEST_DIR) + "/atomics.tir");
  REQUIRE(in);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  ir::Module m = Parse(text);
  std::string main = "fn @main() -> i32 public {\nbb0:\n  %0:i32 = iconst 0\n";
  uint32_t reg = 1, acc = 0, lines = 0;
  std::regex run_line(R"(; run: @(\w+)\(([^)]*)\) == (-?\d+))");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), run_line); it != std::sregex_iterator(); ++it, ++lines)
    main += CheckRunLine(m, *it, reg, acc);
  main += "  ret %" + std::to_string(acc) + "\n}\n";
  CHECK(lines >= 300);
  ir::Module program = Parse(text + main);

  fs::path dir = fs::temp_directory_path() / ("thrustc_aot_atomics_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string error;
  for (aot::OptLevel opt : {aot::OptLevel::O0, aot::OptLevel::O2}) {
    aot::AotOptions options;
    options.opt = opt;
    REQUIRE(aot::EmitArtifact(program, options, aot::Artifact::Obj, (dir / "atomics.o").string(), &error));
    aot::LinkOptions link;
    link.objects = {(dir / "atomics.o").string()};
    link.output = (dir / "atomics.exe").string();
    REQUIRE(aot::Link(link, &error));
    int status = std::system((dir / "atomics.exe").string().c_str());
    INFO("at -O" << int(opt) << ": the number of run lines with another result (capped by the exit status)");
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  fs::remove_all(dir);
}
