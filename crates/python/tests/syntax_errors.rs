//! Differential test: broken programs compiled by the lab and by CPython 3.11
//! give the same exception type, message, line and caret column.

use crate::cpython;

use cpython::{escape, run_python, PY_ESCAPE};
use dstream_python::compile;

const BROKEN: &[&str] = &[
    "foo(1, 2\nx = 3\n",
    "if x\n  pass\n",
    "x = 'abc\n",
    "x = f'abc\n",
    "x = (1,\n2\n",
    "if x:\npass\n",
    "  x = 1\n",
    "x = 1\n  y = 2\n",
    "x = )\n",
    "x = (]\n",
    "1abc\n",
    "x = $\n",
    "if x:\n    y\n  z\n",
    "def f(:\n",
    "x = '''abc\n\n",
    "x = 1 +\n",
    "for x in y\n    pass\n",
    "if x\n  pass\ny = 'abc\n",
    "x = [1, 2\n",
    "print('a' 'b' c)\n",
    "x = 012\n",
    "def f(x):\nreturn 1\n",
    "while x:\n\n",
    "x =\n",
    "f(a for a in b, c)\n",
    "a b\n",
    "x = 1 2\n",
    "else:\n  pass\n",
    "x = \\ y\n",
    "if x = 1:\n  pass\n",
    "print 'hi'\n",
    "f() = 1\n",
    "1 = x\n",
    "x + 1 = 2\n",
    "if x:\n    y\n  zzz = 1\n",
    "    x = 1\n",
    "for x in range(3):\n        y = 1\n    z = 2\n",
    "x = [1, 2 3]\n",
    "f(x y)\n",
    "f(a, b c)\n",
    "x = (1 2)\n",
    "x = {1: 2 3: 4}\n",
    "x = f'{}'\n",
    "d[k] += \n",
    "def f(x)\n  pass\n",
    "elif x:\n  pass\n",
    "if x:\n  pass\nelse\n  pass\n",
    "x = 1 if y\n",
    "return\n",
    "break\n",
    "x = [i for i in]\n",
    "foo bar baz\n",
    "a, b += 1\n",
    "x = 'a' + \n",
    "import\n",
    "from x import\n",
    "x = (1,\n  2,\n  3\ny = 4\n",
    "def get_message_type(line):\n    if '[info]' in line\n        return 'info'\n",
    "lines = ssc.socketTextStream('localhost', 9999\ncodes = lines.map(f)\n",
    "def f(x):\n    return x +\n",
    "for w in words:\nprint(w)\n",
    "def f(a=1, b):\n    pass\n",
    "x = 0b\n",
    "while True:\n    continue\ncontinue\n",
    "codes.reduceByKey(lambda x, y: x + y))\n",
    "def f():\n    x = 1\n   y = 2\n",
    "x = [1, 2]]\n",
    "s = \"abc\n",
];

fn cpython(snippets: &[&str]) -> Vec<String> {
    let script = format!(
        "import sys\n{PY_ESCAPE}for src in sys.stdin.read().split('\\0')[:-1]:\n    try:\n        compile(src, 'job.py', 'exec')\n        print('ok')\n    except SyntaxError as e:\n        print(esc(f'{{type(e).__name__}}: {{e.msg}} (line {{e.lineno}}, column {{e.offset}})'))\n"
    );
    let input: String = snippets.iter().map(|s| format!("{s}\0")).collect();
    run_python(&script, &input)
        .lines()
        .map(str::to_string)
        .collect()
}

fn lab(src: &str) -> String {
    match compile(src, "job.py") {
        Ok(_) => "ok".to_string(),
        Err(e) => escape(&format!(
            "{e} (line {}, column {})",
            e.line().unwrap_or(0),
            e.syntax.as_ref().map_or(0, |s| s.0)
        )),
    }
}

#[test]
fn syntax_errors_match_cpython_type_message_line_and_column() {
    let expected = cpython(BROKEN);
    assert_eq!(expected.len(), BROKEN.len());
    let failures: Vec<String> = BROKEN
        .iter()
        .zip(&expected)
        .filter(|(src, want)| lab(src) != **want)
        .map(|(src, want)| format!("{src:?}\n   cpython: {want}\n   lab:     {}", lab(src)))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        BROKEN.len(),
        failures.join("\n")
    );
}

#[test]
fn valid_python_outside_the_subset_is_not_supported_with_its_line() {
    let cases = [
        ("x = 1\nclass A:\n    pass\n", "classes", 2),
        ("try:\n    x = 1\nexcept:\n    pass\n", "try statements", 1),
        ("with open('f') as f:\n    pass\n", "with statements", 1),
        ("def f():\n    global x\n", "global statements", 2),
        ("def f():\n    yield 1\n", "generators (yield)", 2),
        ("@decorator\nclass A:\n    pass\n", "classes", 2),
        (
            "def f(*args):\n    pass\n",
            "star parameters (*args, **kwargs)",
            1,
        ),
        (
            "if (n := 10) > 5:\n    pass\n",
            "assignment expressions (:=)",
            1,
        ),
        ("del x\n", "del statements", 1),
        ("x = a @ b\n", "the matrix multiplication operator (@)", 1),
        ("x @= b\n", "the matrix multiplication operator (@)", 1),
        ("x = 1j\n", "complex numbers", 1),
        ("x = b'abc'\n", "bytes", 1),
        ("async def f():\n    pass\n", "async", 1),
    ];
    let sources: Vec<&str> = cases.iter().map(|c| c.0).collect();
    assert!(
        cpython(&sources).iter().all(|r| r == "ok"),
        "every case is valid Python"
    );
    for (src, construct, line) in cases {
        let e = compile(src, "job.py").err().expect("refused");
        assert_eq!(e.kind, "NotSupportedError", "{src}");
        assert_eq!(
            e.message,
            format!("not supported in the lab: {construct} (line {line})"),
            "{src}"
        );
    }
}
