// The checker's state, shared by check_*.cpp, fold.cpp and sema.cpp: names, types and layouts,
// symbols and the constants of every file. One Sema lives for one CheckAndLower call, as the base
// of lower/'s Lowerer and the check-and-lower driver (src/frontend/), which provide what the
// checker asks of them (the section "what the layers above provide"). The checker never sees the
// IR: an IR function or global is an id to it (Symbol::ir, ConstVal::global).
#pragma once
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "frontend/sema/c_decls.h"
#include "frontend/sema/facts.h"
#include "frontend/sema/modules.h"
#include "frontend/sema/types.h"
#include "frontend/syntax/ast.h"
#include "frontend/syntax/builtins.h"
#include "support/diagnostics.h"

namespace thrustc::frontend {

// What the checker reads: every parsed file (command-line files and imported ones) and the
// declarations imported from C headers (may be null).
struct CheckInput {
  std::vector<const Ast*> files;
  NameTable* names = nullptr;
  const SourceManager* sources = nullptr;
  DiagnosticEngine* diags = nullptr;
  const CDecls* c_decls = nullptr;
  CompileFacts facts;
  ModuleInput modules;
};

// Symbol::file of declarations imported from C; their `tok` indexes Sema::c_ranges_.
constexpr uint32_t kCFile = UINT32_MAX - 1;
// The largest object (variable, field, element) in bytes: IR sizes and offsets are 32-bit.
constexpr uint64_t kMaxObjectBytes = UINT32_MAX;

std::string IntText(__int128 v);  // decimal, also beyond 64 bits

enum class SymKind : uint8_t { Func, Const, Static, Struct, Enum, Alias, Var, Param, Builtin };
enum class EvalState : uint8_t { None, InProgress, Done };

// A constant: folded by the checker or produced by compile-time evaluation. Scalars carry their
// value; strings and aggregates live in a read-only global.
// Members ordered largest first so a ConstVal takes 32 bytes, not 48 (one per literal).
struct ConstVal {
  ConstVal(TypeId t = kErrorType, __int128 iv = 0, double fv = 0, uint32_t g = UINT32_MAX)
      : i(iv), f(fv), type(t), global(g) {}
  __int128 i = 0;  // integers (exact value), bool, char, null pointers
  double f = 0;    // floats
  TypeId type = kErrorType;
  uint32_t global = UINT32_MAX;
};
static_assert(sizeof(ConstVal) == 32);

struct Symbol {
  explicit Symbol(SymKind k) : kind(k) {}
  SymKind kind;
  EvalState state = EvalState::None;
  bool is_public = false, is_mut = false, compiletime = false, is_extern = false;
  bool variadic = false, broken = false, packed = false;
  bool generic = false;         // has type parameters (12): only its instances are checked
  bool no_arg_count = false;    // a variadic Thrust function without the hidden count (7.4)
  bool deallocator = false;     // Func: `@deallocator` (4.1)
  bool dealloc = false;         // Var: `@dealloc`: dealloc_fn is called at the end of its block
  bool dealloc_by_value = false;  // ... with the variable's value (else with its address)
  NodeId dealloc_name = kNoNode;  // the Name of `@dealloc(f)`, or kNoNode
  uint32_t dealloc_fn = UINT32_MAX;
  uint32_t file = 0;
  uint32_t decl = 0;    // index into the Ast table of its kind (Alias: the item node)
  NameId name = 0;
  TokenId tok = 0;
  TypeId type = kErrorType;
  uint32_t value = UINT32_MAX;  // Const: index into consts_
  uint32_t ir = UINT32_MAX;     // Func: FuncId; Static: GlobalId
  uint32_t align = 0;           // @align(N)
  uint64_t literal_bytes = 0;   // array[T] variable initialised from a literal (sizeOf)
  Modifier atomic = Modifier::AtomicNone;  // Var/Static: its ordering word (15.1)
  NodeId init = kNoNode;        // locals: initializer node
  std::string extern_name;      // Func/Static with @extern
};

// Per-node annotations of one file: side arrays indexed by NodeId. An instance of a generic
// (12) is checked as a file of its own over the generic's Ast: its own annotations, the type
// arguments bound to the parameters, and the names of the file it was declared in.
struct FileInfo {
  const Ast* ast = nullptr;
  uint32_t origin = 0;          // the parsed file whose top-level names this one sees
  std::vector<std::pair<NameId, TypeId>> type_args;  // an instance's bound type parameters
  uint32_t depth = 0;           // instantiation nesting (at most kMaxInstanceDepth)
  std::string instance;         // an instance's name, `wrap[s32]`; empty for a parsed file
  SourceRange requested;        // where the instance was first requested
  uint32_t parent = UINT32_MAX; // the file that requested it (an instance file, or a parsed one)
  std::vector<TypeId> types;    // the type of every checked expression or type node
  std::vector<uint32_t> refs;   // Name: symbol ref; Field: field index (+flags); Call: callee kind
  std::vector<uint32_t> consts; // index+1 into consts_, 0 = not constant
  // Parsed files only (an instance file uses its origin's): the file as a module (13).
  std::unordered_map<NameId, uint32_t> top;         // every top-level item, public or private
  std::unordered_map<NameId, uint32_t> namespaces;  // "m", "shapes::geo" → file (kNoModule: not loaded)
  std::unordered_map<NameId, uint32_t> only_names;  // names brought in by `only { ... }` → symbol
  std::unordered_map<NameId, uint32_t> only_stems;  // stem of a file imported only with `only` → file
  std::vector<uint32_t> plain_imports;              // files imported without `as`/`only` (W0902)
  std::unordered_map<NameId, NameId> c_namespaces;  // `importC "stdio.h"`: "stdio" → "stdio.h" (11)
  bool imported = false;                            // some file imports this one (link names)
};

constexpr uint32_t kMaxInstanceDepth = 64;

// Symbol references in FileInfo::refs.
constexpr uint32_t kLocalRef = 0x80000000u;   // | local index
constexpr uint32_t kBuiltinRef = 0x40000000u; // | Builtin
constexpr uint32_t kFieldByValue = 0x20000000u;  // Field on a non-place struct value
// With kFieldByValue: the field of `e->g` (a value in value context, 5.3) whose base is a place,
// so it is a place too (`b->inner.x = 1`).
constexpr uint32_t kFieldOfPlace = 0x10000000u;
constexpr uint32_t kArrowValue = 1;
constexpr uint32_t kIndexValue = 1;
constexpr uint32_t kNotPointer = 1;  // refs of a `!p` whose operand is a pointer (p == nullptr)  // refs of an Index whose value is the element (a NativeVector's)  // refs of an `e->f` Deref whose `e.f` is already the field's value

// The checker's state for one function body (or a global initializer).
struct FnCtx {
  uint32_t file = 0;
  uint32_t fn_sym = UINT32_MAX;
  TypeId ret = kVoid;
  bool compiletime = false;  // inside a @compiletime function
  bool broken = false;       // an error inside: never lowered
  std::vector<Symbol> locals;
  std::vector<uint32_t> scope;        // visible locals in declaration order
  std::vector<uint32_t> scope_marks;
  uint32_t loop_depth = 0;
  std::vector<bool> loop_breaks;      // per open loop: saw a `break`
};

// A frame of the compile-time dependency stack, for cycle reports.
struct EvalFrame {
  std::string what;   // "constant `A`", "function `f`"
  SourceRange range;  // where it is declared
};

class Sema {
 public:
  explicit Sema(const CheckInput& in);
  virtual ~Sema() = default;
  // Sets up the tables, collects the top-level declarations of every file and gives every
  // function its signature; the driver then asks for each declaration in turn.
  void Collect();

  // --- shared helpers (sema.cpp)
  const Ast& AstOf(uint32_t file) const { return *files_[file].ast; }
  FileInfo& Info(uint32_t file) { return files_[file]; }
  SourceRange NodeRange(uint32_t file, NodeId n) const { return files_[file].ast->Range(n); }
  SourceRange ExprRange(uint32_t file, NodeId n) const;  // from the expression's first token
  SourceRange TokRange(uint32_t file, TokenId t) const {
    return file == kCFile ? c_ranges_[t] : files_[file].ast->tokens->Range(t);
  }
  SourceRange StructDeclRange(const StructInfo& s) const {
    return s.file == kCFile ? c_ranges_[s.decl] : TokRange(s.file, files_[s.file].ast->structs[s.decl].name_tok);
  }
  Diagnostic& Error(DiagKind kind, SourceRange r, std::string msg);
  std::string TypeStr(TypeId t) const { return "`" + types_.Print(t, *names_) + "`"; }
  std::string_view Str(NameId n) const { return names_->Str(n); }
  // The top-level symbol `name` (also `m::x`, 13) means in `file`, or UINT32_MAX. With `use`, a
  // name found only through a plain import warns there (W0902).
  uint32_t LookupGlobal(uint32_t file, NameId name, const SourceRange* use = nullptr);
  // Modules (modules.cpp).
  void BuildModules();
  uint32_t ResolvePath(uint32_t file, std::string_view path, const SourceRange* report);
  uint32_t LegacyImport(uint32_t file, NameId name, const SourceRange* use);
  uint32_t LookupCName(std::string_view name) const;
  void WarnUnqualifiedC(uint32_t file, uint32_t sym, const SourceRange* use);
  bool ReportUnresolved(uint32_t file, NameId name, SourceRange use);  // a `m::x` that failed
  std::string LinkName(const Symbol& sym) const;  // a module's @public items: `m::name`
  uint32_t AddConst(const ConstVal& v) {
    consts_.push_back(v);
    return uint32_t(consts_.size() - 1);
  }
  const ConstVal* NodeConst(uint32_t file, NodeId n) const {
    uint32_t c = files_[file].consts[n];
    return c ? &consts_[c - 1] : nullptr;
  }
  void SetNodeConst(uint32_t file, NodeId n, const ConstVal& v) { files_[file].consts[n] = AddConst(v) + 1; }
  // Replaces the constant of a literal node (whose entry no other node shares) without growing
  // consts_: coercing every literal to its target type would otherwise store it twice.
  void ReplaceLiteralConst(uint32_t file, NodeId n, const ConstVal& v);

  // --- declarations (check_decl.cpp)
  void CollectFile(uint32_t file);
  void CollectItem(uint32_t file, NodeId item, bool in_ct_if);
  void AddEnumMembers(uint32_t file, const EnumDecl& d, Symbol& sym);
  void CheckLocalType(FnCtx& fc, NodeId n);
  void CheckAttributes(uint32_t file, ListRef attrs, uint32_t allowed, Symbol& sym);
  bool CheckModifiers(uint32_t file, const VarDecl& v, bool local, Symbol& sym);
  bool CheckAtomicType(const Symbol& sym, TypeId t);
  bool EnsureSignature(uint32_t sym);
  void CheckMain(uint32_t sym);
  TypeId ResolveType(FnCtx* fc, uint32_t file, NodeId n);
  TypeId ResolveTypeName(FnCtx* fc, uint32_t file, NodeId n);
  bool CheckAddressSpace(FnCtx* fc, uint32_t file, NodeId expr);
  bool EnsureStructLayout(TypeId t, SourceRange use, FnCtx* fc = nullptr);  // fc: a local struct's body
  bool CheckObjectSize(TypeId t, SourceRange where);
  TypeId EnsureSymbolType(uint32_t sym);
  bool EnsureConst(uint32_t sym, SourceRange use);
  bool EnsureStaticInit(uint32_t sym, SourceRange use);
  bool EnsureEnumMember(uint32_t enum_sym, uint32_t member, SourceRange use);
  bool EnsureFunctionChecked(uint32_t sym, SourceRange use);  // once; a clean body goes to FunctionChecked
  void CheckFunction(uint32_t sym);

  // --- generics (check_generics.cpp)
  ListRef TypeParamsOf(const Symbol& sym) const;
  void CheckTypeParams(uint32_t file, ListRef params, std::string_view what);
  uint32_t NewInstanceFile(uint32_t generic_sym, const std::vector<TypeId>& args, uint32_t from_file, SourceRange site);
  uint32_t Instantiate(uint32_t generic_sym, const std::vector<TypeId>& args, uint32_t from_file, SourceRange site);
  TypeId ResolveTypeInst(FnCtx* fc, uint32_t file, NodeId n);
  bool ResolveTypeArgs(FnCtx* fc, uint32_t file, uint32_t start, uint32_t count, std::vector<TypeId>* out);
  bool CheckTypeArgCount(uint32_t generic_sym, size_t given, SourceRange where);
  bool Unify(uint32_t gfile, ListRef params, NodeId pattern, TypeId actual, std::vector<TypeId>& bound,
             std::vector<uint8_t>& literal, std::vector<NodeId>& bound_by, NodeId arg, uint32_t arg_file);
  bool FinishInference(uint32_t generic_sym, std::vector<TypeId>& bound, const std::vector<uint8_t>& literal,
                       SourceRange where);
  TypeId CheckGenericCall(FnCtx& fc, NodeId n, uint32_t generic_sym, NodeId explicit_args);
  TypeId CheckGenericName(FnCtx& fc, NodeId n);
  TypeId InferStructInstance(FnCtx& fc, NodeId lit, uint32_t generic_sym, TypeId expected, bool* prechecked);
  std::string InstanceName(uint32_t generic_sym, const std::vector<TypeId>& args) const;
  std::vector<uint32_t> instance_stack_;  // instance files being checked, innermost last
  std::map<std::pair<uint32_t, std::vector<TypeId>>, uint32_t> instances_;  // -> symbol or TypeId

  // --- compile-time facts and static checks (check_facts.cpp), `@if` (check_ct_if.cpp)
  std::string TargetTripleText() const;
  std::optional<ConstVal> FactValue(FnCtx& fc, NodeId n, Builtin which);
  TypeId CheckFact(FnCtx& fc, NodeId n, Builtin which);
  TypeId CheckAssertBuiltin(FnCtx& fc, NodeId n, Builtin which);
  TypeId CheckVariadicBuiltin(FnCtx& fc, NodeId n, Builtin which);  // check_variadic.cpp
  bool IsThrustVariadic(const Symbol& s) const { return s.kind == SymKind::Func && s.variadic && !s.is_extern; }
  std::optional<bool> EvalCtCondition(FnCtx& fc, NodeId cond, const std::string& what);
  NodeId ChooseCtBranch(FnCtx& fc, NodeId n);
  void CollectTopLevelLater();
  std::vector<std::pair<uint32_t, NodeId>> ct_items_;  // top-level `@if` chains and staticAsserts
  std::unordered_map<uint32_t, std::string> fact_strings_;  // string facts by global (stringLength)
  NameId cstring_name_ = 0;

  // --- importC declarations (check_cimport.cpp)
  void DeclareCImports();
  TypeId CTypeToThrust(uint32_t c_type);
  bool EnsureCSignature(uint32_t sym);
  bool ReportCSkipped(NameId name, SourceRange use);
  void ReportCOpaqueUse(const StructInfo& s, SourceRange use);

  // --- statements (check_stmt.cpp)
  bool CheckStmt(FnCtx& fc, NodeId n);  // returns whether control never falls through
  void NoteAddressYielding(Diagnostic& d, FnCtx& fc, NodeId operand);
  bool CheckBlock(FnCtx& fc, NodeId n, bool new_scope = true);
  void CheckLocalDecl(FnCtx& fc, NodeId n);
  bool ResolveDeallocator(FnCtx& fc, Symbol& var, SourceRange where);  // check_dealloc.cpp
  bool DeallocatorTakes(uint32_t fn, TypeId var_type, bool* by_value);
  void CheckDeallocatorSignature(uint32_t fn);
  TypeId InferLocalType(FnCtx& fc, const VarDecl& v);
  uint32_t DeclareLocal(FnCtx& fc, Symbol sym);
  bool CheckScoped(FnCtx& fc, NodeId n);
  bool InitStatic(FnCtx& fc, Symbol& sym, std::string what);
  uint32_t LookupLocal(const FnCtx& fc, NameId name) const;
  void CheckCondition(FnCtx& fc, NodeId n);
  std::optional<ConstVal> EvalInitializer(FnCtx& fc, NodeId init, TypeId type, std::string what,
                                          SourceRange decl_range);

  // --- expressions (check_expr.cpp, check_call.cpp)
  TypeId CheckExpr(FnCtx& fc, NodeId n, TypeId expected = kErrorType);
  TypeId CheckValue(FnCtx& fc, NodeId n, TypeId target);
  bool Coerce(FnCtx& fc, NodeId n, TypeId target);
  bool IsIntConstExpr(FnCtx& fc, NodeId n, uint32_t depth);
  TypeId CheckExprInner(FnCtx& fc, NodeId n, TypeId expected);
  TypeId CheckName(FnCtx& fc, NodeId n);
  TypeId CheckBinaryChain(FnCtx& fc, NodeId n);
  TypeId CheckBinary(FnCtx& fc, NodeId n, const TypeId* checked_lhs);
  TypeId CheckAssign(FnCtx& fc, NodeId n);
  void WarnSelfAssignment(FnCtx& fc, NodeId n);
  TypeId CheckUnary(FnCtx& fc, NodeId n, TypeId expected);
  TypeId CheckIncDec(FnCtx& fc, NodeId n);
  TypeId CheckCast(FnCtx& fc, NodeId n);
  TypeId CheckIndex(FnCtx& fc, NodeId n);
  TypeId CheckField(FnCtx& fc, NodeId n);
  TypeId CheckDeref(FnCtx& fc, NodeId n);
  TypeId CheckRef(FnCtx& fc, NodeId n);
  TypeId CheckEnumAccess(FnCtx& fc, NodeId n);
  TypeId CheckEnumMember(FnCtx& fc, NodeId n, NameId enum_name, NameId member);
  TypeId CheckArrow(FnCtx& fc, NodeId n);
  bool YieldsFieldAddress(FnCtx& fc, NodeId base);
  TypeId CheckAtomicBuiltin(FnCtx& fc, NodeId n, Builtin which);
  TypeId CheckTypeQuery(FnCtx& fc, NodeId n, Builtin which);
  std::optional<ConstVal> TypeQueryValue(FnCtx& fc, NodeId n, Builtin which, TypeId t);
  Modifier AtomicDestination(FnCtx& fc, NodeId dst, std::string_view builtin);
  bool IsEnumArrow(FnCtx& fc, NodeId n);
  TypeId CheckStructLit(FnCtx& fc, NodeId n, TypeId expected);
  TypeId CheckArrayLit(FnCtx& fc, NodeId n, TypeId expected, bool fixed);
  TypeId CheckVectorLit(FnCtx& fc, NodeId n, TypeId expected);
  TypeId CheckCall(FnCtx& fc, NodeId n);
  TypeId FinishDirectCall(FnCtx& fc, NodeId n, TypeId ret);
  bool HasVectorInSignature(TypeId fn_type) const;
  TypeId CheckBuiltin(FnCtx& fc, NodeId n, Builtin which);
  TypeId CheckArgs(FnCtx& fc, NodeId n, TypeId fn_type, bool variadic, std::string_view callee,
                   const Symbol* sym = nullptr);
  TypeId CheckNamedArgs(FnCtx& fc, NodeId n, TypeId fn_type, const Symbol* sym, std::string_view callee);
  static bool IsNamedArg(const Ast& ast, NodeId arg);  // `name = e` in a call's parentheses (7.2)
  static NodeId ArgValue(const Ast& ast, NodeId arg);  // the value of a (possibly named) argument
  TypeId TypeOrExprOfArg(FnCtx& fc, NodeId arg, uint64_t* literal_bytes);
  bool IsPlace(FnCtx& fc, NodeId n);
  TypeId PlaceType(FnCtx& fc, NodeId n);  // the stored type when assigning to n
  bool CheckAssignable(FnCtx& fc, NodeId n, TypeId place_type);
  TypeId DefaultLiteralType(FnCtx& fc, NodeId n);
  bool InConstContext(const FnCtx& fc) const { return const_depth_ > 0 || fc.compiletime; }
  Symbol& RefSymbol(FnCtx& fc, uint32_t ref) {
    return (ref & kLocalRef) ? fc.locals[ref & ~kLocalRef] : syms_[ref - 1];
  }
  static TypeId PromoteVariadic(const TypeTable& types, TypeId t);

  // --- folding (fold.cpp)
  std::optional<ConstVal> FoldBinary(uint8_t op, const ConstVal& a, const ConstVal& b, TypeId operand, TypeId result);
  std::optional<ConstVal> FoldUnary(uint8_t op, const ConstVal& a);
  std::optional<ConstVal> FoldCast(const ConstVal& a, TypeId to);
  ConstVal Normalize(ConstVal v) const;  // wraps integers to their type

  // --- the compile-time dependency stack, for cycle reports (check_globals.cpp)
  bool PushFrame(EvalState& state, std::string what, SourceRange decl, SourceRange use);
  void PopFrame(EvalState& state);

  // --- what the layers above provide: lower/ makes the IR functions and globals the checker
  // declares, the check-and-lower driver lowers each checked body and runs compile-time code.
  virtual uint32_t DeclareFunction(const Symbol& sym, uint32_t index) = 0;  // a Thrust-defined function
  virtual void DeclareSignature(Symbol& sym) = 0;  // its type is known (@extern: the external function)
  virtual uint32_t DeclareStatic(const Symbol& sym) = 0;  // a top-level static, once its type is known
  virtual uint32_t DeclareLocalStatic(const FnCtx& fc, const Symbol& sym) = 0;  // a static in a function
  virtual void InitGlobal(uint32_t global, const ConstVal& v) = 0;  // a static's initial value
  virtual uint32_t StringGlobal(const std::string& s) = 0;  // one read-only global per distinct string
  virtual uint32_t BytesGlobal(const std::vector<uint8_t>& bytes, uint32_t align, std::string prefix) = 0;
  virtual void FunctionChecked(uint32_t sym, FnCtx& fc) = 0;  // a body checked without errors
  // The value of a checked expression, computed by compile-time code (what: "constant `A`"...).
  virtual std::optional<ConstVal> EvalNode(FnCtx& fc, NodeId n, TypeId type, SourceRange site,
                                           const std::string& what, SourceRange decl = {}) = 0;

  // --- state
  const CheckInput in_;
  NameTable* names_;
  TypeTable types_;
  std::deque<FileInfo> files_;  // parsed files, then instance files (stable references)
  std::deque<Symbol> syms_;     // grows while checking (instances): references stay valid
  std::unordered_map<NameId, uint32_t> public_syms_;  // declarations imported from C
  std::set<std::pair<uint32_t, NameId>> legacy_warned_;  // (file, name) warned W0902/W0903 already
  std::unordered_map<uint32_t, NameId> c_header_of_;     // C symbol → the header it came from
  std::vector<ConstVal> consts_;
  struct EnumMember {
    NameId name;
    TokenId tok;
    uint32_t decl;  // index into Ast::members
    TypeId type = kErrorType;
    EvalState state = EvalState::None;
    uint32_t value = UINT32_MAX;
  };
  std::vector<std::vector<EnumMember>> enum_members_;  // per Enum symbol: sym.value indexes this
  std::vector<NameId> prim_names_;                      // NameId -> primitive TypeId (or 0)
  std::unordered_map<NameId, Builtin> builtin_names_;
  std::vector<EvalFrame> eval_stack_;
  uint32_t const_depth_ = 0;
  NameId main_name_ = 0, attr_names_[13] = {};
  // importC: where each imported declaration is (Symbol::tok of kCFile symbols), its Thrust type
  // per CDecls::types entry (kErrorType = not converted yet), and what was skipped, by name.
  std::vector<SourceRange> c_ranges_;
  std::vector<TypeId> c_types_;
  std::vector<TypeId> c_record_types_;
  struct CSkip {
    std::string reason;
    uint32_t header;
    SourceRange where;
    std::string file_line;
  };
  std::unordered_map<NameId, CSkip> c_skipped_;
};

// While a declaration of an instance file is checked, its diagnostics name the instance.
struct InstanceScope {
  InstanceScope(Sema& s, uint32_t file) : sema(s), pushed(file != kCFile && !s.files_[file].instance.empty()) {
    if (pushed) sema.instance_stack_.push_back(file);
  }
  ~InstanceScope() {
    if (pushed) sema.instance_stack_.pop_back();
  }
  InstanceScope(const InstanceScope&) = delete;
  InstanceScope& operator=(const InstanceScope&) = delete;
  Sema& sema;
  bool pushed;
};

// importC: compares our layout of an imported struct with clang's record layout; empty when they
// agree, else what differs (the checker treats a difference as an internal error).
std::string CompareCLayout(const CRecord& rec, const StructInfo& info);

enum AttrBit : uint32_t {
  kAttrPublic = 1, kAttrExtern = 2, kAttrArbitraryArgs = 4, kAttrConvention = 8,
  kAttrCompiletime = 16, kAttrHint = 32, kAttrPacked = 64, kAttrAlign = 128, kAttrNoArgCount = 256,
  kAttrDealloc = 512, kAttrDeallocator = 1024,
};

}  // namespace thrustc::frontend
