//! Differential test: thousands of generated expressions evaluated by the
//! lab (`eval_expression`) and by CPython 3.11, compared by `repr` (or by the
//! exception's `Type: message`).

use crate::cpython;

use cpython::{escape, run_python, PY_ESCAPE};
use dstream_engine::python::PyRepr;
use dstream_python::eval_expression;

/// A small deterministic generator (an LCG), so every run tests the same expressions.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    fn int(&mut self) -> String {
        let v = self.below(41) as i64 - 20;
        if v < 0 {
            format!("({v})")
        } else {
            v.to_string()
        }
    }

    fn index(&mut self) -> String {
        match self.below(6) {
            0 => "None".to_string(),
            _ => {
                let v = self.below(17) as i64 - 8;
                v.to_string()
            }
        }
    }
}

const STRINGS: &[&str] = &[
    "''",
    "'abc'",
    "'a,b,,c'",
    "'  hi there  '",
    "'Hello World'",
    "'ünïcödé ß'",
    "'[info] x'",
    "'a b\\tc\\nd'",
    "'x'",
    "'123'",
    "'12a'",
    "'   '",
    "'mississippi'",
    "\"it's\"",
    "'a\\\\b'",
    "'日本語テキスト'",
    "'hello world, hello'",
    "'ABC def'",
    "'\\x1cfoo\\x1f'",
];

const LISTS: &[&str] = &[
    "[]",
    "[1, 2, 3]",
    "[3, 1, 2]",
    "['b', 'a', 'c']",
    "[1, 'a', None]",
    "[(1, 'b'), (0, 'z'), (1, 'a')]",
    "[[1, 2], [1], []]",
    "[True, False, 2]",
    "list(range(5))",
    "[-1, 5, -3, 2]",
];

const TUPLES: &[&str] = &[
    "()",
    "(1,)",
    "(1, 2, 3)",
    "('a', 1)",
    "(1, (2, 3))",
    "(None, True)",
    "tuple('abc')",
];

const DICTS: &[&str] = &[
    "{}",
    "{'a': 1, 'b': 2}",
    "{1: 'x', 2: 'y'}",
    "{'k': [1, 2]}",
    "dict(a=1, b=2)",
    "dict([('x', 1), ('y', 2)])",
    "{(1, 2): 'pair'}",
];

const VALUES: &[&str] = &[
    "0", "1", "-1", "7", "''", "'a'", "[]", "[0]", "()", "None", "True", "False", "{}", "'0'",
];

fn string_expr(g: &mut Gen) -> String {
    let s = g.pick(STRINGS);
    let t = g.pick(STRINGS);
    match g.below(26) {
        0 => format!("{s} + {t}"),
        1 => format!("{s} * {}", g.int()),
        2 => format!("{s}[{}]", g.index()),
        3 => format!("{s}[{}:{}]", g.index(), g.index()),
        4 => format!("{s}[{}:{}:{}]", g.index(), g.index(), g.index()),
        5 => format!("{s}.split()"),
        6 => format!(
            "{s}.split({}, {})",
            g.pick(&["','", "' '", "'a'", "None", "'ss'", "''"]),
            g.int()
        ),
        7 => format!(
            "{s}.rsplit({}, {})",
            g.pick(&["','", "' '", "None", "'s'"]),
            g.int()
        ),
        8 => format!(
            "{s}.{}()",
            g.pick(&[
                "strip",
                "lstrip",
                "rstrip",
                "lower",
                "upper",
                "title",
                "capitalize"
            ])
        ),
        9 => format!(
            "{s}.{}({})",
            g.pick(&["strip", "lstrip", "rstrip"]),
            g.pick(&["'a'", "' x'", "'ab'", "None"])
        ),
        10 => format!(
            "{s}.{}({})",
            g.pick(&["startswith", "endswith"]),
            g.pick(&["'a'", "'H'", "('x', 'c')", "''", "1"])
        ),
        11 => format!(
            "{s}.replace({}, {})",
            g.pick(&["'a'", "'ss'", "''", "' '"]),
            g.pick(&["'-'", "''", "'XY'"])
        ),
        12 => format!(
            "{s}.replace({}, {}, {})",
            g.pick(&["'a'", "'s'", "''"]),
            g.pick(&["'-'", "''"]),
            g.int()
        ),
        13 => format!(
            "{s}.{}({})",
            g.pick(&["find", "rfind", "index", "count"]),
            g.pick(&["'a'", "'ss'", "''", "'é'", "'語'", "'l'"])
        ),
        14 => format!(
            "{s}.find({}, {})",
            g.pick(&["'a'", "'s'", "'l'"]),
            g.index()
        ),
        15 => format!(
            "{}.join({})",
            g.pick(&["''", "', '", "'-'"]),
            g.pick(&["['a', 'b']", "'xyz'", "[]", "[1, 2]", "('p', 'q', 'r')"])
        ),
        16 => format!(
            "{s}.{}()",
            g.pick(&["isdigit", "isalpha", "isalnum", "isspace", "islower", "isupper"])
        ),
        17 => format!("{} in {s}", g.pick(&["'a'", "''", "'hi'", "'[info]'", "1"])),
        18 => format!("len({s})"),
        19 => format!("{s} {} {t}", g.pick(&["<", "<=", ">", ">=", "==", "!="])),
        20 => format!("{s} + {}", g.int()),
        21 => format!("sorted({s})"),
        22 => format!("list(reversed({s}))"),
        23 => format!("[c for c in {s} if c {} 'c']", g.pick(&["<", ">", "=="])),
        24 => format!("{s}.{}", g.pick(&["foo", "split", "upper"])),
        _ => format!("str({}) + {s}", g.pick(VALUES)),
    }
}

fn int_expr(g: &mut Gen) -> String {
    let (a, b, c) = (g.int(), g.int(), g.int());
    match g.below(14) {
        0 => format!("{a} + {b} * {c}"),
        1 => format!("({a} - {b}) * {c}"),
        2 => format!(
            "{a} {} {b} {} {c}",
            g.pick(&["<", "<=", ">", ">=", "==", "!="]),
            g.pick(&["<", "<=", ">", "==", "!="])
        ),
        3 => format!("-{a} + +{b}"),
        4 => format!("abs({a}) - abs({b})"),
        5 => format!("max({a}, {b}, {c})"),
        6 => format!("min([{a}, {b}, {c}])"),
        7 => format!("{a} if {b} > {c} else {c}"),
        8 => format!("sum([{a}, {b}, {c}], {})", g.int()),
        9 => format!("9223372036854775807 - abs({a})"),
        10 => format!("{a} * {b} * {c} * 1000000000000"),
        11 => format!(
            "int({})",
            g.pick(&[
                "'42'", "' -7 '", "'1_000'", "'x'", "''", "'0x1f'", "True", "3.9", "-3.9", "'+5'",
                "'1__0'"
            ])
        ),
        12 => format!(
            "list(range({a}, {b}, {}))",
            g.pick(&["1", "2", "-1", "-3", "0"])
        ),
        _ => format!("range({a}, {b})[{}]", g.index()),
    }
}

/// `&`, `|`, `^`, `~`, `<<`, `>>` on ints (negatives too) and bools, their
/// precedence among themselves, `+`, `**`, unary minus and comparisons, and
/// their errors (floats, strings, negative shift counts).
fn bitwise_expr(g: &mut Gen) -> String {
    let (a, b, c) = (g.int(), g.int(), g.int());
    let bit = |g: &mut Gen| g.pick(&["&", "|", "^"]).to_string();
    let (x, y) = (bit(g), bit(g));
    let shift = g.below(12);
    match g.below(12) {
        0 => format!("{a} {x} {b}"),
        1 => format!("{a} {x} {b} {y} {c}"),
        2 => format!("~{a} {x} -{b}"),
        3 => format!("{a} << {shift} {x} {b} >> {}", g.below(4)),
        4 => format!("{a} >> {shift}, {a} << {shift}, {a} >> 70, 0 << 99"),
        5 => format!(
            "{} {x} {}, ~{}",
            g.pick(&["True", "False"]),
            g.pick(&["True", "False", "1", "-2"]),
            g.pick(&["True", "False"])
        ),
        6 => format!("{a} + {b} {x} {c}, {a} {x} {b} == {c}, {a} {x} {b} < {c}"),
        7 => format!("~{a} ** 2, -~{a}, ~~{a}, ~-{a}"),
        8 => format!("{a} {x} {}", g.pick(&["1.5", "'a'", "None", "[1]", "2.0"])),
        9 => format!("{} {x} {a}", g.pick(&["1.5", "'a'", "None"])),
        10 => format!("{a} {} {b}", g.pick(&["<<", ">>"])),
        _ => format!("~{}", g.pick(&["1.5", "'a'", "None", "True", "(-1)"])),
    }
}

fn bool_expr(g: &mut Gen) -> String {
    let (a, b, c) = (g.pick(VALUES), g.pick(VALUES), g.pick(VALUES));
    match g.below(8) {
        0 => format!("{a} and {b}"),
        1 => format!("{a} or {b}"),
        2 => format!("not {a}"),
        3 => format!("{a} and {b} or {c}"),
        4 => format!("{a} or {b} and not {c}"),
        5 => format!("{a} is None"),
        6 => format!("{a} is not None and {b}"),
        _ => format!("bool({a}) == bool({b})"),
    }
}

fn seq_expr(g: &mut Gen) -> String {
    let l = g.pick(LISTS);
    let m = g.pick(LISTS);
    let t = g.pick(TUPLES);
    let u = g.pick(TUPLES);
    match g.below(30) {
        0 => format!("{l} + {m}"),
        1 => format!("{t} + {u}"),
        2 => format!("{l} * {}", g.int()),
        3 => format!("{t} * {}", g.int()),
        4 => format!("{l}[{}]", g.index()),
        5 => format!("{t}[{}]", g.index()),
        6 => format!("{l}[{}:{}:{}]", g.index(), g.index(), g.index()),
        7 => format!("{t}[{}:{}]", g.index(), g.index()),
        8 => format!("{} in {l}", g.pick(VALUES)),
        9 => format!("{l} {} {m}", g.pick(&["<", "<=", ">", ">=", "==", "!="])),
        10 => format!("{t} {} {u}", g.pick(&["<", "<=", ">", ">=", "==", "!="])),
        11 => format!("sorted({l})"),
        12 => format!("sorted({l}, reverse=True)"),
        13 => format!(
            "sorted({l}, key={})",
            g.pick(&["len", "str", "lambda x: -x", "lambda p: p[0]", "repr"])
        ),
        14 => format!(
            "{}({l})",
            g.pick(&["min", "max", "len", "sum", "list", "tuple", "any", "all"])
        ),
        15 => format!("{}({l}, default={})", g.pick(&["min", "max"]), g.int()),
        16 => format!(
            "{}({l}, key={})",
            g.pick(&["min", "max"]),
            g.pick(&["len", "str", "lambda x: -x", "lambda p: p[-1]"])
        ),
        17 => format!("list(enumerate({l}, {}))", g.int()),
        18 => format!("list(zip({l}, {t}))"),
        19 => format!("[x for x in {l} if x]"),
        20 => format!("[(x, y) for x in {t} for y in {l} if x != y]"),
        21 => format!("{{str(x): x for x in {l}}}"),
        22 => format!("sorted({{x for x in {t}}}, key=repr)"),
        23 => format!("sum(len(str(x)) for x in {l})"),
        24 => format!("list(map(lambda x: (x, 1), {l}))"),
        25 => format!("list(filter(None, {l}))"),
        26 => format!("list(reversed({l}))"),
        27 => format!(
            "(lambda a, b=2: a * b)({})",
            g.pick(&["1", "'x'", "[0]", "3, 4", "b=1", ""])
        ),
        28 => format!("[i * j for i, j in zip({l}, {t})]"),
        _ => format!("{l}.index({})", g.pick(VALUES)),
    }
}

fn dict_expr(g: &mut Gen) -> String {
    let d = g.pick(DICTS);
    let k = g.pick(&["'a'", "'b'", "1", "'k'", "(1, 2)", "'zz'", "[1]"]);
    match g.below(12) {
        0 => format!("{d}[{k}]"),
        1 => format!("{d}.get({k})"),
        2 => format!("{d}.get({k}, {})", g.pick(VALUES)),
        3 => format!("{k} in {d}"),
        4 => format!("list({d}.items())"),
        5 => format!("list({d}.keys())"),
        6 => format!("list({d}.values())"),
        7 => format!("len({d})"),
        8 => format!("sorted({d})"),
        9 => format!("{d} == {}", g.pick(DICTS)),
        10 => format!("{d}.{}()", g.pick(&["items", "keys", "values"])),
        _ => format!("dict({d}, z=0)"),
    }
}

fn misc_expr(g: &mut Gen) -> String {
    let v = g.pick(VALUES);
    let w = g.pick(VALUES);
    match g.below(22) {
        0 => format!("{v} + {w}"),
        1 => format!("{v} < {w}"),
        2 => format!("{v}[0]"),
        3 => format!("len({v})"),
        4 => format!("repr({v})"),
        5 => format!("str({v})"),
        6 => format!(
            "isinstance({v}, {})",
            g.pick(&["int", "str", "(list, tuple)", "bool", "dict"])
        ),
        7 => format!("f'{{{v}}}-{{{w}!r}}'"),
        8 => format!("f'<{{{v}!s}}|{{{w}=}}>'"),
        9 => format!("[{v}, {w}][{}]", g.index()),
        10 => format!("undefined_name + {v}"),
        11 => format!("{v}.upper()"),
        12 => format!("type({v}) == {}", g.pick(&["int", "str", "list"])),
        13 => format!("({v}, {w}) == ({w}, {v})"),
        14 => format!("{{{v}: {w}}}"),
        15 => format!("{v} in {w}"),
        16 => format!("{v}({w})"),
        17 => format!("list({v})"),
        18 => format!("sum({v})"),
        19 => format!("max({v})"),
        20 => format!("[{v}] * 2 + [{w}]"),
        _ => format!("hash_me({v})"),
    }
}

/// Expressions whose value needs `number.rs`'s arithmetic beyond `+ - *` of ints,
/// or `format.rs` (floats, `/`, `//`, `%`, `**`, format specifications).
fn numeric_expr(g: &mut Gen) -> String {
    let (a, b) = (g.int(), g.int());
    let f = g.pick(&[
        "0.1",
        "2.5",
        "-1.5",
        "1e16",
        "3.0",
        "1/3",
        "float('inf')",
        "float('nan')",
        "-0.0",
        "123.456",
    ]);
    match g.below(16) {
        0 => format!("{a} // {b}"),
        1 => format!("{a} % {b}"),
        2 => format!("{a} / {b}"),
        3 => format!("{a} ** {}", g.below(5)),
        4 => format!("{f} + {a}"),
        5 => format!("{f} * {f}"),
        6 => format!("round({f})"),
        7 => format!("round({f}, {})", g.below(4)),
        // Inside an f-string, 3.11 allows only the other quote.
        8 => format!("f'{{{}:.2f}}'", f.replace('\'', "\"")),
        9 => format!("'%d-%s' % ({a}, {f})"),
        10 => format!("'{{}} {{:>5}}'.format({a}, {b})"),
        11 => format!("{a} // 3 + {b} % 3"),
        12 => format!("sum([{f}, {a}, 0.5])"),
        13 => format!("[x % 3 for x in range({a}, {b})]"),
        14 => format!("{f} < {a}"),
        _ => format!("int({f})"),
    }
}

fn expressions(seed: u64, count: usize, make: &[fn(&mut Gen) -> String]) -> Vec<String> {
    let mut g = Gen(seed);
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut attempts = 0;
    while out.len() < count && attempts < count * 20 {
        attempts += 1;
        let which = g.below(make.len());
        let e = make[which](&mut g);
        if seen.insert(e.clone()) {
            out.push(e);
        }
    }
    out
}

/// `repr(eval(e))` or `Type: message` for each line of stdin, from CPython.
fn cpython_results(exprs: &[String]) -> Vec<String> {
    let script = format!(
        "import sys\n{PY_ESCAPE}for line in sys.stdin.read().split('\\n')[:-1]:\n    try:\n        r = repr(eval(line, {{}}))\n    except Exception as e:\n        m = e.msg if isinstance(e, SyntaxError) else str(e)\n        r = type(e).__name__ + (': ' + m if m else '')\n    print(esc(r))\n"
    );
    let mut input = String::new();
    for e in exprs {
        input.push_str(e);
        input.push('\n');
    }
    run_python(&script, &input)
        .lines()
        .map(str::to_string)
        .collect()
}

fn lab_result(e: &str) -> String {
    match eval_expression(e) {
        Ok(v) => escape(&v.repr_string()),
        Err(err) => escape(&err.to_string()),
    }
}

fn compare(exprs: &[String]) {
    let expected = cpython_results(exprs);
    assert_eq!(
        expected.len(),
        exprs.len(),
        "one CPython result per expression"
    );
    let mut failures = Vec::new();
    for (e, want) in exprs.iter().zip(&expected) {
        let got = lab_result(e);
        // Object addresses differ between processes; the rest must not.
        if got != *want && !(got.contains(" at 0x") && want.contains(" at 0x")) {
            failures.push(format!("{e}\n   cpython: {want}\n   lab:     {got}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} expressions differ from CPython:\n{}",
        failures.len(),
        exprs.len(),
        failures[..failures.len().min(40)].join("\n")
    );
}

#[test]
fn generated_expressions_evaluate_as_in_cpython() {
    let exprs = expressions(
        11,
        2400,
        &[
            string_expr,
            string_expr,
            int_expr,
            bool_expr,
            seq_expr,
            seq_expr,
            dict_expr,
            misc_expr,
        ],
    );
    assert!(
        exprs.len() >= 2000,
        "only {} distinct expressions",
        exprs.len()
    );
    compare(&exprs);
}

#[test]
fn generated_bitwise_expressions_evaluate_as_in_cpython() {
    let exprs = expressions(37, 400, &[bitwise_expr]);
    assert!(
        exprs.len() >= 300,
        "only {} distinct expressions",
        exprs.len()
    );
    compare(&exprs);
}

#[test]
fn generated_numeric_and_formatting_expressions_evaluate_as_in_cpython() {
    let exprs = expressions(29, 600, &[numeric_expr]);
    compare(&exprs);
}
