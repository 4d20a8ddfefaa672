//! The browser scenario's commands, one file per family, each a function of the step being
//! carried out (`exec::Act`): `exec::StepRun::execute` only says which one a command runs.
//! Owns what each command does in the page. Must not decide a step's outcome beyond its own
//! `Failure`, answer dialogs the step did not ask for, run control flow, or touch the session
//! (start, reset, quit): those are `exec`'s.

pub(super) mod assert;
pub(super) mod dialog;
pub(super) mod feature;
pub(super) mod form;
pub(super) mod keyboard;
pub(super) mod navigate;
pub(super) mod pointer;
pub(super) mod script;
pub(super) mod store;
pub(super) mod wait;
