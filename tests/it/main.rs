//! rolecall's integration tests, in one binary: the real `rolecall` executable driven on
//! real and generated knowledge directories.

mod accuracy;
mod cli;
mod support;
mod tidy;
