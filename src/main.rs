//! The `rolecall` binary: everything happens in [`rolecall::cli::run`].

fn main() -> std::process::ExitCode {
    rolecall::cli::run()
}
