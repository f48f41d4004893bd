// Unit tests of importC: libclang's view of the project-owned shapes.h and of the system headers
// mapped into CDecls (layouts, types, constants, skip reasons, -D), and the layout comparison the
// checker uses to catch a mapping that disagrees with clang.
#include <doctest/doctest.h>

#include <chrono>

#include "cimport/cimport.h"
#include "frontend/sema/sema_impl.h"

using namespace thrustc;
using namespace thrustc::frontend;

namespace {
struct Imported {
  SourceManager sources;
  DiagnosticEngine diags{sources};
  CDecls decls;
  bool ok = false;
  explicit Imported(std::vector<std::string> headers, std::vector<std::string> defines = {}) {
    std::vector<cimport::ImportRequest> requests;
    for (auto& h : headers) requests.push_back({h, {}});
    cimport::ImportOptions options{{THRUSTC_CIMPORT_TEST_INCLUDE}, std::move(defines), &sources};
    ok = cimport::ImportHeaders(requests, options, decls, diags);
  }
  const CRecord* Record(const std::string& name) const {
    for (const CRecord& r : decls.records)
      if (r.name == name) return &r;
    return nullptr;
  }
  const CFunction* Function(const std::string& name) const {
    for (const CFunction& f : decls.functions)
      if (f.name == name) return &f;
    return nullptr;
  }
  const CConstant* Constant(const std::string& name) const {
    for (const CConstant& k : decls.constants)
      if (k.name == name) return &k;
    return nullptr;
  }
  const CTypedef* Typedef(const std::string& name) const {
    for (const CTypedef& t : decls.typedefs)
      if (t.name == name) return &t;
    return nullptr;
  }
  const CType& Type(uint32_t t) const { return decls.types.at(t); }
};
}  // namespace

TEST_CASE("structs keep clang's layout: nested, padded, with arrays") {
  Imported im({"shapes.h"});
  REQUIRE(im.ok);
  const CRecord* point = im.Record("point_t");  // an anonymous struct named by its typedef
  REQUIRE(point);
  CHECK(point->size == 24);
  REQUIRE(point->fields.size() == 3);
  CHECK(point->fields[1].name == "x");
  CHECK(point->fields[1].offset == 8);
  const CRecord* box = im.Record("box");
  REQUIRE(box);
  CHECK(!box->opaque);
  CHECK(box->size == 72);
  CHECK(box->align == 8);
  REQUIRE(box->fields.size() == 4);
  CHECK(box->fields[1].offset == 8);
  CHECK(box->fields[2].offset == 56);
  CHECK(box->fields[3].offset == 64);
  const CType& corners = im.Type(box->fields[1].type);
  CHECK(corners.kind == CType::Kind::Array);
  CHECK(corners.length == 2);
  CHECK(im.Type(corners.elem).kind == CType::Kind::Struct);
  CHECK(box->loc.line == 30);
  CHECK(box->loc.src.Valid());
}

TEST_CASE("bit-fields and unions are opaque with a reason") {
  Imported im({"shapes.h"});
  REQUIRE(im.Record("bits"));
  CHECK(im.Record("bits")->opaque);
  CHECK(im.Record("bits")->opaque_reason == "uses a bit-field");
  CHECK(im.Record("number")->opaque_reason == "is a union");
}

TEST_CASE("functions: variadic, function pointers, size_t, skipped long double") {
  Imported im({"shapes.h"});
  const CFunction* sum_all = im.Function("shapes_sum_all");
  REQUIRE(sum_all);
  CHECK(sum_all->variadic);
  const CFunction* reduce = im.Function("shapes_reduce");
  REQUIRE(reduce);
  REQUIRE(reduce->params.size() == 4);
  const CType& values = im.Type(reduce->params[0]);
  CHECK(values.kind == CType::Kind::Pointer);
  CHECK(values.is_const);
  CHECK(im.Type(reduce->params[1]).is_size);
  const CType& fn = im.Type(reduce->params[2]);
  CHECK(fn.kind == CType::Kind::Function);
  CHECK(fn.params.size() == 2);
  const CFunction* precise = im.Function("shapes_precise");
  REQUIRE(precise);
  CHECK(precise->skip_reason == "uses `long double`");
  REQUIRE(im.Typedef("reducer_fn"));
  CHECK(im.Type(im.Typedef("reducer_fn")->type).kind == CType::Kind::Function);
}

TEST_CASE("enums and constant macros become constants, other macros are skipped") {
  Imported im({"shapes.h"});
  CHECK(im.Constant("SHAPE_BOX")->int_value == 6);
  CHECK(im.Constant("COLOR_BLUE")->int_value == 4);
  CHECK(im.Constant("SHAPES_LIMIT")->int_value == 299);
  const CConstant* mask = im.Constant("SHAPES_MASK");
  REQUIRE(mask);
  CHECK(mask->int_value == 255);
  CHECK(!im.Type(mask->type).is_signed);
  CHECK(im.Constant("SHAPES_NEG")->int_value == -7);
  CHECK(im.Type(im.Constant("SHAPES_NEG")->type).bits == 64);
  CHECK(im.Constant("SHAPES_SCALE")->kind == CConstant::Kind::Float);
  CHECK(im.Constant("SHAPES_SCALE")->float_value == 2.5);
  CHECK(im.Constant("SHAPES_NAME")->string_value == "shapes");
  CHECK(im.Constant("SHAPES_CALL") == nullptr);  // function-like
  CHECK(im.Constant("THRUSTC_TEST_SHAPES_H") == nullptr);  // empty
}

TEST_CASE("-D reaches the header") {
  CHECK(Imported({"shapes.h"}).Constant("SHAPES_WIDTH")->int_value == 32);
  CHECK(Imported({"shapes.h"}, {"SHAPES_WIDE"}).Constant("SHAPES_WIDTH")->int_value == 64);
}

TEST_CASE("an unknown header is an error") {
  Imported im({"no_such_header_for_thrustc.h"});
  CHECK(!im.ok);
  REQUIRE(!im.diags.All().empty());
  CHECK(im.diags.All()[0].kind == DiagKind::ImportNotFound);
}

TEST_CASE("the system headers of issue 6 import without errors") {
  Imported im({"stdio.h", "stdlib.h", "string.h", "math.h", "time.h", "stdint.h", "errno.h", "ctype.h", "limits.h"});
  REQUIRE(im.ok);
  CHECK(im.diags.All().empty());
  REQUIRE(im.Function("printf"));
  CHECK(im.Function("printf")->variadic);
  CHECK(im.Function("qsort"));
  CHECK(im.Function("sqrt"));
  CHECK(im.Function("snprintf"));
  CHECK(im.Function("isdigit"));
  CHECK(im.Function("strlen"));
  CHECK(im.Type(im.Function("strlen")->ret).is_size);
  CHECK(im.Constant("EOF")->int_value == -1);
  CHECK(im.Constant("INT_MAX")->int_value == 2147483647);
  CHECK(im.Constant("INT32_MIN")->int_value == -2147483647 - 1);
  CHECK(im.Constant("UINT64_MAX") == nullptr);  // expands a function-like macro: skipped
  CHECK(im.Constant("ERANGE"));
  const CRecord* tm = im.Record("tm");
  REQUIRE(tm);
  CHECK(!tm->opaque);
  CHECK(tm->fields.at(0).name == "tm_sec");
  CHECK(im.Typedef("int64_t"));
}

TEST_CASE("CompareCLayout finds every kind of difference") {
  NameTable names;
  TypeTable types;
  TypeId t = types.NewStruct(names.Intern("s"), 0, 0);
  StructInfo& info = types.Struct(t);
  info.fields = {{names.Intern("a"), 0, kChar, 0}, {names.Intern("b"), 0, kF64, 0}};
  types.LayOut(info);
  CRecord rec;
  rec.name = "s";
  rec.size = 16, rec.align = 8;
  rec.fields = {{"a", 0, 0}, {"b", 0, 8}};
  CHECK(CompareCLayout(rec, info).empty());
  rec.fields[1].offset = 4;
  CHECK(CompareCLayout(rec, info) == "field `b` at offset 8, clang says 4");
  rec.size = 12;
  CHECK(CompareCLayout(rec, info) == "size 16, clang says 12");
  rec.size = 16, rec.align = 4;
  CHECK(CompareCLayout(rec, info) == "alignment 8, clang says 4");
}

TEST_CASE("importing stdio.h, stdlib.h, string.h and math.h: time") {
  Imported warm({"stdio.h", "stdlib.h", "string.h", "math.h"});
  auto t0 = std::chrono::steady_clock::now();
  Imported im({"stdio.h", "stdlib.h", "string.h", "math.h"});
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  MESSAGE("importC of stdio.h stdlib.h string.h math.h: " << ms << " ms");
  CHECK(im.ok);
  CHECK(im.decls.functions.size() > 300);
}
