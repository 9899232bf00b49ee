//! The job's [`Host`]: the `pyspark` modules a program imports, and where
//! its `print`s go.

use std::rc::Weak;

use dstream_python::{Host, PyError, Value};

use crate::errors::unsupported;
use crate::object::{not_offered, Object};
use crate::spark::{spark_context_class, spark_session_class, streaming_context_class};
use crate::sql::{function, type_class, FUNCTIONS, FUNCTIONS_ELSEWHERE, TYPES};
use crate::state::JobState;

/// Real `pyspark` modules the lab does not offer.
const PYSPARK_ELSEWHERE: &[&str] = &[
    "pyspark.sql.window",
    "pyspark.rdd",
    "pyspark.conf",
    "pyspark.storagelevel",
    "pyspark.ml",
    "pyspark.mllib",
    "pyspark.pandas",
    "pyspark.streaming.kinesis",
];

/// Python's standard modules a student may reach for; the lab has none.
const STANDARD: &[&str] = &[
    "sys",
    "os",
    "time",
    "re",
    "json",
    "math",
    "random",
    "datetime",
    "collections",
    "itertools",
    "functools",
    "operator",
    "string",
];

/// The host a job's program runs with.
pub(crate) struct JobHost {
    pub job: Weak<JobState>,
}

impl JobHost {
    /// A module object whose attributes are `names`, each made on access.
    fn module(&self, name: &str, names: &'static [&'static str]) -> Value {
        let job = self.job.clone();
        Object::value("module", format!("<module '{name}'>"), move |attr| {
            if !names.contains(&attr) {
                return None;
            }
            Some(match attr {
                "SparkContext" => spark_context_class(&job),
                "SparkSession" => spark_session_class(&job),
                "StreamingContext" => streaming_context_class(&job),
                "functions" => functions_module(&job),
                other => not_offered(other),
            })
        })
    }
}

/// `pyspark.sql.functions`: the functions the lab offers, and the ones it does not, which
/// say so when called.
fn functions_module(job: &Weak<JobState>) -> Value {
    let job = job.clone();
    Object::value("module", "<module 'pyspark.sql.functions'>", move |attr| {
        if FUNCTIONS.contains(&attr) || FUNCTIONS_ELSEWHERE.contains(&attr) {
            function(&job, attr)
        } else {
            None
        }
    })
}

/// `pyspark.sql.types`: the data types a UDF declares.
fn types_module() -> Value {
    Object::value("module", "<module 'pyspark.sql.types'>", |attr| {
        if TYPES.contains(&attr) {
            type_class(attr)
        } else {
            None
        }
    })
}

impl Host for JobHost {
    fn import(&self, name: &str) -> Result<Value, PyError> {
        Ok(match name {
            "pyspark" => self.module(name, &["SparkContext", "SparkConf", "StorageLevel", "RDD"]),
            "pyspark.context" => self.module(name, &["SparkContext"]),
            "pyspark.sql" => self.module(name, &["SparkSession", "DataFrame", "functions"]),
            "pyspark.sql.functions" => functions_module(&self.job),
            "pyspark.sql.types" => types_module(),
            "pyspark.streaming" | "pyspark.streaming.context" => {
                self.module(name, &["StreamingContext", "DStream"])
            }
            "pyspark.streaming.dstream" => self.module(name, &["DStream"]),
            _ if PYSPARK_ELSEWHERE
                .iter()
                .any(|m| name == *m || name.starts_with(&format!("{m}."))) =>
            {
                return Err(unsupported(&format!("module '{name}'")))
            }
            _ if STANDARD.contains(&name.split('.').next().unwrap_or(name)) => {
                return Err(unsupported(&format!("module '{name}'")))
            }
            _ => {
                // Python names the first package it cannot find.
                let missing = if name.starts_with("pyspark.") {
                    name
                } else {
                    name.split('.').next().unwrap_or(name)
                };
                return Err(PyError::new(
                    "ModuleNotFoundError",
                    format!("No module named '{missing}'"),
                ));
            }
        })
    }

    fn print(&self, text: &str) {
        if let Some(job) = self.job.upgrade() {
            job.print(text);
        }
    }
}
