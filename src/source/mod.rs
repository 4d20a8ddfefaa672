//! Text a user wrote, before anyone reads meaning into it: files read safely (`files`), every
//! problem pointed at by file:line:col (`diag`), and the interpolation of vars, secrets and
//! environment variables in it (`vars`). Shared by the suite loader (`config`) and the readers
//! of other tools' files (`import`); must know neither checks nor any file format.

pub mod diag;
pub mod files;
pub mod vars;
