//! A trigger's steps resolved against the schemas they run on, once per trigger: a column
//! name becomes its index in the row, and a `contains` of a literal string gets its
//! substring finder built once, so the rows are neither looked up by name nor searched from
//! scratch one by one; a `when` chain of such `contains` on one column (the notebook's message
//! type) scans the column's text once. Every other expression runs as [`Expr::eval`] runs it.

use std::borrow::Cow;

use dstream_engine::first_literal::FirstLiteral;
use memchr::memmem::Finder;

use crate::plan::{plain_text, when, Call, Evaluate, Expr, Request, Step, UdfChain};
use crate::value::{Row, Schema, Value};

/// An expression resolved against a schema.
pub(crate) enum Bound<'e> {
    /// A column by its index (None: the schema lacks it, NULL as [`Expr::eval`] gives).
    Column(Option<usize>),
    /// A literal.
    Literal(&'e Value),
    /// `a.contains("text")`, the text's finder built.
    ContainsText(Box<(Bound<'e>, Finder<'e>)>),
    /// `when(...)...otherwise(...)`.
    When(Vec<(Bound<'e>, Bound<'e>)>, Option<Box<Bound<'e>>>),
    /// `when(...)...otherwise(...)` whose conditions are all `contains` of a literal text on
    /// one column, the texts starting with one byte.
    WhenContains(Box<WhenContains<'e>>),
    /// A UDF (its id) of one column (its index): the row's value handed to the caller as
    /// it is, not copied into a list of arguments.
    UdfOfColumn(usize, usize),
    /// A UDF of one column whose results on a text the caller gave ([`UdfChain`]), the texts
    /// starting with one byte.
    UdfChain(Box<BoundUdfChain<'e>>),
    /// Any other expression, evaluated by [`Expr::eval`].
    Other(&'e Expr),
}

impl<'e> Bound<'e> {
    /// `expr` resolved against `schema`.
    pub(crate) fn of(expr: &'e Expr, schema: &Schema) -> Bound<'e> {
        match expr {
            Expr::Column(name) => Bound::Column(schema.iter().position(|f| f.name == *name)),
            Expr::Literal(v) => Bound::Literal(v),
            Expr::Alias(e, _) => Bound::of(e, schema),
            Expr::Contains(a, b) => match b.as_ref() {
                Expr::Literal(Value::String(text)) => Bound::ContainsText(Box::new((
                    Bound::of(a, schema),
                    Finder::new(text.as_bytes()),
                ))),
                _ => Bound::Other(expr),
            },
            Expr::When {
                branches,
                otherwise,
            } => match WhenContains::of(branches, otherwise.as_deref(), schema) {
                Some(chain) => Bound::WhenContains(Box::new(chain)),
                None => Bound::When(
                    branches
                        .iter()
                        .map(|(c, v)| (Bound::of(c, schema), Bound::of(v, schema)))
                        .collect(),
                    otherwise.as_ref().map(|o| Box::new(Bound::of(o, schema))),
                ),
            },
            Expr::Udf {
                id, args, chain, ..
            } => match args.as_slice() {
                [Expr::Column(name)] => match schema.iter().position(|f| f.name == *name) {
                    Some(i) => match chain.as_deref().and_then(|c| BoundUdfChain::of(*id, i, c)) {
                        Some(chain) => Bound::UdfChain(Box::new(chain)),
                        None => Bound::UdfOfColumn(*id, i),
                    },
                    None => Bound::Other(expr),
                },
                _ => Bound::Other(expr),
            },
            other => Bound::Other(other),
        }
    }

    /// The value on `row` (of the schema it was bound to), as [`Expr::eval`] gives it.
    pub(crate) fn eval<E>(&self, schema: &Schema, row: &Row, call: Call<E>) -> Result<Value, E> {
        Ok(match self {
            Bound::Column(i) => i.map_or(Value::Null, |i| row[i].clone()),
            Bound::Literal(v) => (*v).clone(),
            Bound::ContainsText(bound) => match bound.0.contains(&bound.1, schema, row, call)? {
                Some(found) => Value::Boolean(found),
                None => Value::Null,
            },
            Bound::When(branches, otherwise) => {
                when(branches, otherwise.as_deref(), schema, row, call)?
            }
            Bound::WhenContains(chain) => chain.eval(schema, row, call)?,
            Bound::UdfOfColumn(id, i) => call(Request::Udf(*id, std::slice::from_ref(&row[*i])))?,
            Bound::UdfChain(chain) => chain.eval(row, call)?,
            Bound::Other(e) => e.eval(schema, row, call)?,
        })
    }

    /// Whether the value on `row` is true (not false, not NULL).
    pub(crate) fn holds<E>(&self, schema: &Schema, row: &Row, call: Call<E>) -> Result<bool, E> {
        Ok(match self {
            Bound::ContainsText(bound) => {
                bound.0.contains(&bound.1, schema, row, call)? == Some(true)
            }
            other => other.eval(schema, row, call)? == Value::Boolean(true),
        })
    }

    /// Whether this expression's text on `row` holds the finder's: None when it is NULL.
    fn contains<E>(
        &self,
        finder: &Finder<'_>,
        schema: &Schema,
        row: &Row,
        call: Call<E>,
    ) -> Result<Option<bool>, E> {
        let value = match self {
            Bound::Column(Some(i)) => Cow::Borrowed(&row[*i]),
            Bound::Literal(v) => Cow::Borrowed(*v),
            other => Cow::Owned(other.eval(schema, row, call)?),
        };
        Ok(match value.as_ref() {
            Value::Null => None,
            v => Some(finder.find(plain_text(v).as_bytes()).is_some()),
        })
    }
}

/// `when(c.contains("t1"), v1).when(c.contains("t2"), v2)...otherwise(o)` on one column `c`,
/// every text non-empty and starting with the same byte (`[info]`, `[notice]`, `[error]`):
/// a text occurs only where that byte does, so the column's text is scanned once, at that
/// byte's places, for the first branch whose text occurs anywhere in it.
pub(crate) struct WhenContains<'e> {
    column: usize,
    texts: FirstLiteral,
    values: Vec<Bound<'e>>,
    otherwise: Option<Bound<'e>>,
}

impl<'e> WhenContains<'e> {
    /// The chain of `branches` over `schema`, if it has that shape (two branches at least).
    fn of(
        branches: &'e [(Expr, Expr)],
        otherwise: Option<&'e Expr>,
        schema: &Schema,
    ) -> Option<WhenContains<'e>> {
        let mut column = None;
        let mut texts = Vec::with_capacity(branches.len());
        for (condition, _) in branches {
            let Expr::Contains(a, b) = condition else {
                return None;
            };
            let (Expr::Column(name), Expr::Literal(Value::String(text))) = (&**a, &**b) else {
                return None;
            };
            if column.is_some_and(|c: &String| c != name) || text.is_empty() {
                return None;
            }
            column = Some(name);
            texts.push(text.as_bytes());
        }
        let column = column?;
        if texts.len() < 2 {
            return None;
        }
        Some(WhenContains {
            column: schema.iter().position(|f| f.name == *column)?,
            texts: FirstLiteral::new(texts)?,
            values: branches.iter().map(|(_, v)| Bound::of(v, schema)).collect(),
            otherwise: otherwise.map(|o| Bound::of(o, schema)),
        })
    }

    /// The chain as [`TextClasses`], when every value (and the `otherwise`, if any) is a
    /// literal: then its value depends on the column's text alone (a text is never NULL).
    fn text_classes(&self) -> Option<TextClasses<'_, 'e>> {
        let literal = |b: &Bound<'e>| match b {
            Bound::Literal(v) => Some(*v),
            _ => None,
        };
        let otherwise = match &self.otherwise {
            Some(o) => literal(o)?,
            None => &Value::Null,
        };
        Some(TextClasses {
            column: self.column,
            texts: &self.texts,
            values: self.values.iter().map(literal).collect::<Option<_>>()?,
            otherwise,
        })
    }

    /// The value on `row`, as [`when`] gives it.
    fn eval<E>(&self, schema: &Schema, row: &Row, call: Call<E>) -> Result<Value, E> {
        let branch = match &row[self.column] {
            // `contains` on NULL is NULL: no branch holds.
            Value::Null => None,
            v => self.texts.first_found(plain_text(v).as_bytes()),
        };
        match (branch, &self.otherwise) {
            (Some(i), _) => self.values[i].eval(schema, row, call),
            (None, Some(o)) => o.eval(schema, row, call),
            (None, None) => Ok(Value::Null),
        }
    }
}

/// A UDF's [`UdfChain`] bound to its column: a text scanned once for the arms' texts.
pub(crate) struct BoundUdfChain<'e> {
    id: usize,
    column: usize,
    texts: FirstLiteral,
    results: Vec<Option<&'e Value>>,
    otherwise: Option<&'e Value>,
}

impl<'e> BoundUdfChain<'e> {
    /// UDF `id`'s `chain` on column `column`, if its texts start with one byte.
    fn of(id: usize, column: usize, chain: &'e UdfChain) -> Option<BoundUdfChain<'e>> {
        if chain.texts.len() != chain.results.len() {
            return None;
        }
        Some(BoundUdfChain {
            id,
            column,
            texts: FirstLiteral::new(chain.texts.iter().map(|t| t.as_bytes()))?,
            results: chain.results.iter().map(Option::as_ref).collect(),
            otherwise: chain.otherwise.as_ref(),
        })
    }

    /// The UDF's value on `row`: the chain's, or the caller's where the chain has none.
    fn eval<E>(&self, row: &Row, call: Call<E>) -> Result<Value, E> {
        let value = &row[self.column];
        let known = match value {
            Value::String(text) => match self.texts.first_found(text.as_bytes()) {
                Some(i) => self.results[i],
                None => self.otherwise,
            },
            _ => None,
        };
        match known {
            Some(v) => Ok(v.clone()),
            None => call(Request::Udf(self.id, std::slice::from_ref(value))),
        }
    }
}

/// A column's value found from a text column alone, with no caller: the `when` chain of
/// `contains` whose values are literals, or a UDF chain whose every result is known.
pub(crate) struct TextClasses<'s, 'e> {
    /// The text column.
    pub column: usize,
    /// The first arm whose text occurs, by one scan.
    pub texts: &'s FirstLiteral,
    /// Each arm's value.
    pub values: Vec<&'e Value>,
    /// The value when no arm's text occurs.
    pub otherwise: &'e Value,
}

impl<'s, 'e> TextClasses<'s, 'e> {
    /// The class of `text`: the first arm whose text occurs in it, else `values.len()` (the
    /// `otherwise`).
    #[inline]
    pub fn class_of(&self, text: &[u8]) -> usize {
        self.texts.first_found(text).unwrap_or(self.values.len())
    }
}

impl<'e> Bound<'e> {
    /// This expression as [`TextClasses`], when it is one.
    pub(crate) fn text_classes(&self) -> Option<TextClasses<'_, 'e>> {
        match self {
            Bound::WhenContains(chain) => chain.text_classes(),
            Bound::UdfChain(chain) => Some(TextClasses {
                column: chain.column,
                texts: &chain.texts,
                values: chain.results.iter().copied().collect::<Option<_>>()?,
                otherwise: chain.otherwise?,
            }),
            _ => None,
        }
    }
}

impl Evaluate for Bound<'_> {
    fn value<E>(&self, schema: &Schema, row: &Row, call: Call<E>) -> Result<Value, E> {
        self.eval(schema, row, call)
    }

    fn is_true<E>(&self, schema: &Schema, row: &Row, call: Call<E>) -> Result<bool, E> {
        self.holds(schema, row, call)
    }
}

/// A step resolved against the schema before it.
pub(crate) enum BoundStep<'e> {
    /// `withColumn` without a generator: the column's place (None: added at the end).
    WithColumn(Option<usize>, Bound<'e>),
    /// `select` without a generator.
    Select(Vec<Bound<'e>>),
    /// `where` / `filter`.
    Filter(Bound<'e>),
    /// `withWatermark`: its event-time column (None: the schema lacks it).
    Watermark(Option<usize>),
    /// A step with a generator (`explode`), applied by [`Step::apply`].
    Other(&'e Step),
}

impl<'e> BoundStep<'e> {
    /// `step` resolved against `schema`, the schema before it.
    pub(crate) fn of(step: &'e Step, schema: &Schema) -> BoundStep<'e> {
        let place = |name: &String| schema.iter().position(|f| f.name == *name);
        match step {
            Step::WithColumn(name, e) if e.generator().is_none() => {
                BoundStep::WithColumn(place(name), Bound::of(e, schema))
            }
            Step::Select(exprs) if exprs.iter().all(|e| e.generator().is_none()) => {
                BoundStep::Select(exprs.iter().map(|e| Bound::of(e, schema)).collect())
            }
            Step::Filter(e) => BoundStep::Filter(Bound::of(e, schema)),
            Step::Watermark(column, _) => BoundStep::Watermark(place(column)),
            other => BoundStep::Other(other),
        }
    }

    /// Whether the step makes at most one row of each row (no generator): then
    /// [`BoundStep::keeps`] applies it.
    pub(crate) fn one_to_one(&self) -> bool {
        !matches!(self, BoundStep::Other(_))
    }

    /// The latest event time (ms) of `row` raises `max_event_ms` when this step is a
    /// watermark's (Spark's `EventTimeWatermark` node tracks every row that reaches it).
    pub(crate) fn note_event_time(&self, row: &Row, max_event_ms: &mut Option<i64>) {
        if let BoundStep::Watermark(Some(i)) = self {
            if let Value::Timestamp(ts) = row[*i] {
                let ms = ts.div_euclid(1000);
                *max_event_ms = Some(max_event_ms.map_or(ms, |m| m.max(ms)));
            }
        }
    }

    /// The rows this step makes of `row`, pushed on `out`, as [`Step::apply`] makes them.
    pub(crate) fn apply<E>(
        &self,
        schema: &Schema,
        mut row: Row,
        call: Call<E>,
        out: &mut Vec<Row>,
    ) -> Result<(), E> {
        match self {
            BoundStep::Other(step) => step.apply(schema, row, call, out)?,
            one_to_one => {
                let mut spare = Vec::new();
                if one_to_one.keeps(schema, &mut row, &mut spare, call)? {
                    out.push(row);
                }
            }
        }
        Ok(())
    }

    /// A [`BoundStep::one_to_one`] step on `row`, in place: whether the step keeps it (as
    /// [`Step::apply`] makes it); `spare` is room a `select` builds its row in (it gets the
    /// old row's room back). A step with a generator is for [`BoundStep::apply`] (here it
    /// would keep the row as it is).
    pub(crate) fn keeps<E>(
        &self,
        schema: &Schema,
        row: &mut Row,
        spare: &mut Row,
        call: Call<E>,
    ) -> Result<bool, E> {
        match self {
            BoundStep::WithColumn(place, e) => {
                let value = e.eval(schema, row, call)?;
                match place {
                    Some(i) => row[*i] = value,
                    None => row.push(value),
                }
            }
            BoundStep::Select(exprs) => {
                spare.clear();
                for e in exprs {
                    spare.push(e.eval(schema, row, call)?);
                }
                std::mem::swap(row, spare);
            }
            BoundStep::Filter(e) => return e.holds(schema, row, call),
            BoundStep::Watermark(_) | BoundStep::Other(_) => {}
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grouping::tests::pseudo_random;
    use crate::value::{DataType, Field};

    fn schema() -> Schema {
        vec![
            Field::new("value", DataType::String),
            Field::new("n", DataType::Int),
            Field::new("type", DataType::String),
        ]
    }

    /// Lines of the notebook's kinds and others, small numbers, a string column sometimes NULL.
    fn generated_rows(n: usize) -> Vec<Row> {
        let mut next = pseudo_random(3);
        (0..n)
            .map(|_| {
                let words = [
                    "[info] a",
                    "[notice] b",
                    "[error] c",
                    "",
                    "info",
                    "x[err",
                    "[notice] x [info]",
                    "[[info]",
                    "[error][notice]",
                    "[noticed] [error]",
                ];
                let kind = match next(4) {
                    0 => Value::Null,
                    k => Value::String(["error", "info", "warn"][k as usize - 1].into()),
                };
                vec![
                    Value::String(words[next(words.len() as u64) as usize].into()),
                    Value::Int(next(30) as i32 - 5),
                    kind,
                ]
            })
            .collect()
    }

    fn col(name: &str) -> Expr {
        Expr::Column(name.to_string())
    }

    fn text(s: &str) -> Expr {
        Expr::Literal(Value::String(s.into()))
    }

    fn contains(a: Expr, b: Expr) -> Expr {
        Expr::Contains(Box::new(a), Box::new(b))
    }

    fn expressions() -> Vec<Expr> {
        let when = |otherwise: Option<Expr>| Expr::When {
            branches: vec![
                (contains(col("value"), text("[info]")), text("info")),
                (
                    Expr::IsNull(Box::new(col("type"))),
                    Expr::Alias(Box::new(col("n")), "m".to_string()),
                ),
                (contains(col("type"), text("rr")), col("type")),
            ],
            otherwise: otherwise.map(Box::new),
        };
        vec![
            contains(col("value"), text("info")),
            contains(col("value"), text("")),
            contains(col("n"), text("1")),
            contains(col("type"), text("er")),
            contains(text("abc"), text("b")),
            contains(Expr::Literal(Value::Null), text("b")),
            contains(col("value"), col("type")),
            contains(Expr::Upper(Box::new(col("value"))), text("INFO")),
            Expr::Alias(
                Box::new(contains(col("value"), text("[e"))),
                "e".to_string(),
            ),
            when(Some(text("unknown"))),
            when(None),
            col("n"),
        ]
    }

    /// `when` chains of `contains` on one column, texts with one first byte (one scan).
    fn one_scan_chains() -> Vec<Expr> {
        let chain = |column: &str, texts: &[&str], otherwise: Option<Expr>| Expr::When {
            branches: texts
                .iter()
                .enumerate()
                .map(|(i, t)| (contains(col(column), text(t)), text(&format!("b{i}"))))
                .collect(),
            otherwise: otherwise.map(Box::new),
        };
        let mut notebook = chain("value", &["[info]", "[notice]", "[error]"], Some(col("n")));
        if let Expr::When { branches, .. } = &mut notebook {
            branches[2].1 = col("type");
        }
        vec![
            notebook,
            chain(
                "value",
                &["[notice]", "[info]", "[err"],
                Some(text("unknown")),
            ),
            chain("value", &["[e", "[error]"], None),
            chain("type", &["in", "i"], Some(text("none"))),
            chain("n", &["1", "12", "10"], None),
        ]
    }

    fn no_call(_: Request<'_>) -> Result<Value, String> {
        Err("no UDF here".to_string())
    }

    #[test]
    fn bound_expressions_give_what_the_expressions_give() {
        let (schema, rows) = (schema(), generated_rows(2000));
        // How many expressions hold on some rows and not on others (the rows tell them apart).
        let mut mixed = 0;
        let chains = one_scan_chains();
        for expr in &chains {
            let bound = Bound::of(expr, &schema);
            assert!(matches!(bound, Bound::WhenContains(_)), "{expr:?}");
        }
        for expr in expressions().into_iter().chain(chains) {
            let bound = Bound::of(&expr, &schema);
            let mut trues = 0;
            for row in &rows {
                let general = expr.eval(&schema, row, &mut no_call);
                assert_eq!(bound.eval(&schema, row, &mut no_call), general, "{expr:?}");
                let holds = general == Ok(Value::Boolean(true));
                assert_eq!(
                    bound.holds(&schema, row, &mut no_call),
                    Ok(holds),
                    "{expr:?}"
                );
                trues += usize::from(holds);
            }
            mixed += usize::from(trues > 0 && trues < rows.len());
        }
        assert!(mixed >= 6, "only {mixed} expressions told the rows apart");
    }

    #[test]
    fn a_bound_udf_of_a_column_asks_what_the_expression_asks() {
        let (schema, rows) = (schema(), generated_rows(500));
        let udf = |args: Vec<Expr>| Expr::Udf {
            id: 4,
            name: "f".to_string(),
            args,
            return_type: DataType::String,
            chain: None,
        };
        let exprs = [
            udf(vec![col("value")]),
            udf(vec![col("type")]),
            udf(vec![col("value"), col("n")]),
            udf(vec![text("x")]),
            udf(vec![]),
        ];
        for expr in exprs {
            let bound = Bound::of(&expr, &schema);
            let (mut asked_general, mut asked_bound) = (Vec::new(), Vec::new());
            for row in &rows {
                let general = expr.eval(&schema, row, &mut answering(&mut asked_general));
                let fast = bound.eval(&schema, row, &mut answering(&mut asked_bound));
                assert_eq!(fast, general, "{expr:?}");
            }
            assert_eq!(asked_bound, asked_general, "{expr:?}");
            assert_eq!(asked_bound.len(), rows.len());
        }
    }

    #[test]
    fn a_bound_udf_chain_gives_what_the_call_gives_and_asks_where_the_chain_does_not_know() {
        let (schema, rows) = (schema(), generated_rows(2000));
        // The caller's function: the chain's rule on a text, its arguments' text otherwise.
        let rule = |text: &str| {
            let arm = ["[info]", "[notice]", "[error]"]
                .iter()
                .position(|t| text.contains(t));
            match arm {
                Some(0) => "info".to_string(),
                Some(1) => text.to_string(),
                Some(_) => "error".to_string(),
                None => "unknown".to_string(),
            }
        };
        let function = |request: Request<'_>| match request {
            Request::Udf(_, [Value::String(text)]) => Ok(Value::String(rule(text).into())),
            Request::Udf(id, args) => Ok(Value::String(format!("{id}{args:?}").into())),
            Request::Fail(e) => Err(e.message),
        };
        let text = |s: &str| Some(Value::String(s.into()));
        let chains = [
            // Every result known; the `[notice]` arm's left to the call; no `otherwise` known.
            (text("info"), text("error"), text("unknown")),
            (text("info"), text("error"), None),
        ];
        for (column, (info, error, otherwise)) in [
            ("value", chains[0].clone()),
            ("type", chains[1].clone()),
            ("n", chains[0].clone()),
        ] {
            let chain = UdfChain {
                texts: vec!["[info]".into(), "[notice]".into(), "[error]".into()],
                results: vec![info, None, error],
                otherwise,
            };
            let expr = Expr::Udf {
                id: 2,
                name: "kind".to_string(),
                args: vec![col(column)],
                return_type: DataType::String,
                chain: Some(std::rc::Rc::new(chain)),
            };
            let bound = Bound::of(&expr, &schema);
            assert!(matches!(bound, Bound::UdfChain(_)));
            let (mut general_calls, mut chain_calls) = (0, 0);
            for row in &rows {
                let general = expr.eval(&schema, row, &mut |r| {
                    general_calls += 1;
                    function(r)
                });
                let fast = bound.eval(&schema, row, &mut |r| {
                    chain_calls += 1;
                    function(r)
                });
                assert_eq!(fast, general, "{column} {row:?}");
            }
            assert_eq!(general_calls, rows.len());
            // The chain asks for the `[notice]` arm's lines alone; for the other columns (no
            // text holds an arm's, and the `otherwise` is unknown; numbers), for every row.
            match column {
                "value" => assert!(0 < chain_calls && chain_calls < rows.len() / 2),
                _ => assert_eq!(chain_calls, rows.len(), "{column}"),
            }
        }
    }

    /// Answers a UDF with its arguments' text, noting each request.
    fn answering(asked: &mut Vec<String>) -> impl FnMut(Request<'_>) -> Result<Value, String> + '_ {
        move |request| match request {
            Request::Udf(id, args) => {
                let text = format!("{id}{args:?}");
                asked.push(text.clone());
                Ok(Value::String(text.into()))
            }
            Request::Fail(e) => Err(e.message),
        }
    }

    #[test]
    fn bound_steps_make_the_rows_the_steps_make() {
        let (schema, rows) = (schema(), generated_rows(2000));
        for expr in expressions() {
            let steps = [
                Step::WithColumn("type".to_string(), expr.clone()),
                Step::WithColumn("added".to_string(), expr.clone()),
                Step::Filter(expr.clone()),
                Step::Select(vec![expr.clone(), col("n")]),
                Step::Watermark("n".to_string(), 1),
            ];
            for step in &steps {
                let bound = BoundStep::of(step, &schema);
                assert!(bound.one_to_one());
                let (mut general, mut fast, mut in_place) = (Vec::new(), Vec::new(), Vec::new());
                let mut spare = Vec::new();
                for row in &rows {
                    step.apply(&schema, row.clone(), &mut no_call, &mut general)
                        .expect("applies");
                    bound
                        .apply(&schema, row.clone(), &mut no_call, &mut fast)
                        .expect("applies");
                    let mut row = row.clone();
                    if bound.keeps(&schema, &mut row, &mut spare, &mut no_call) == Ok(true) {
                        in_place.push(row);
                    }
                }
                assert_eq!(fast, general, "{step:?}");
                assert_eq!(in_place, general, "{step:?}");
            }
        }
    }
}
