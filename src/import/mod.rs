//! Readers of the files other tools save, each as its own tool reads it: NRPE's `nrpe.cfg`
//! (`nrpe`), Nagios object and resource files (`nagios_objects`, `nagios_resource`), Selenium
//! IDE projects (`side`), Gherkin features (`features`, with `scenario_steps` for `@browser`
//! scenarios) and Behat's `behat.yml` (`behat`). Each turns its format into model values and
//! diagnostics at file:line:col; where it is stricter than the original tool it says so.
//! Must not know the suite's TOML, its defaults or how checks are selected: `config` wires
//! imports into a suite.

pub mod behat;
pub mod features;
pub mod nagios_objects;
pub mod nagios_resource;
pub mod nrpe;
pub mod scenario_steps;
pub mod side;
