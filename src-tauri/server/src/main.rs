//! `household-server`: see `household-server --help`.

fn main() {
    std::process::exit(household_server::main());
}
