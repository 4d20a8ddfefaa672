//! The binary: hand the arguments to the library and exit with the code it returns.

fn main() {
    std::process::exit(smokegate::main_with(std::env::args_os().collect()));
}
