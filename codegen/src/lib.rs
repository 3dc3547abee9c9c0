//! The generator library: OpenAPI 3.0/3.1 document in, Rust crates out.
//!
//! Stages, one module each: [`load`] → [`ir`] → [`naming`] → [`emit`].
//! See ARCHITECTURE.md for the map and its invariants.

pub mod diag;
pub mod diff;
pub mod emit;
pub mod family;
pub mod ir;
pub mod load;
pub mod manifest;
pub mod naming;
pub mod pattern;
pub mod surface;
pub mod tags;

/// Method names the generated client uses for itself; operations get numbered
/// names instead of these.
pub const RESERVED_METHOD_NAMES: &[&str] = &[
    "new",
    "builder",
    "base_url",
    "http_client",
    "with_auth",
    "with_options",
    "execute",
    "execute_streaming",
    "clone",
    "default",
    // Module names beside the per-operation modules of the server crate.
    "runtime",
    "types",
];
pub mod write;

/// Independent stages on all cores. No pool: the pipeline has a few dozen
/// coarse tasks (a spec, a crate, a part of a file), each far longer than a
/// thread start, so each [`run`] starts its own few helper threads. Only as
/// many tasks run at once as there are cores (`permits`): a task that has
/// not started holds no memory, so the process's peak stays near what the
/// running tasks need, and every page it does not touch is a page the kernel
/// does not zero (see "Codegen speed" in ARCHITECTURE.md).
pub mod par {
    /// One task; it may borrow from the caller.
    pub type Task<'a, T> = Box<dyn FnOnce() -> T + Send + 'a>;

    /// Stack of each task's thread: parsing deeply nested generated code
    /// recurses, so as much as the main thread has and more.
    const STACK: usize = 64 << 20;

    std::thread_local! {
        /// Set by [`inline`]: [`run`] runs its tasks here, in order.
        static INLINE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    /// Run `f` with every [`run`] it makes (on this thread) running its tasks
    /// on this thread, one after the other.
    pub fn inline<T>(f: impl FnOnce() -> T) -> T {
        struct Restore(bool);
        impl Drop for Restore {
            fn drop(&mut self) {
                INLINE.with(|i| i.set(self.0));
            }
        }
        let _restore = Restore(INLINE.with(|i| i.replace(true)));
        f()
    }

    /// Run every task and return their results in the tasks' order. This
    /// thread runs the first and takes the next ones as it finishes; up to
    /// one thread per core more take them too, each task once it has a
    /// permit. A task that panics panics here (a generator bug,
    /// as in a sequential run). Inside [`inline`], all run here in order.
    ///
    /// A few threads that take task after task rather than a thread per
    /// task: each thread's allocator heap is reused by its next task, which
    /// cut the huge pages the kernel zeroes for the two Airbyte specs from
    /// 74 to 62 per run. The thread
    /// that waits for its tasks lends its own permit meanwhile, so nesting
    /// cannot deadlock.
    pub fn run<'a, T: Send + 'a>(tasks: Vec<Task<'a, T>>) -> Vec<T> {
        if INLINE.with(std::cell::Cell::get) {
            return tasks.into_iter().map(|t| t()).collect();
        }
        let count = tasks.len();
        let queue = std::sync::Mutex::new(tasks.into_iter().enumerate().collect::<std::collections::VecDeque<_>>());
        let results: Vec<std::sync::Mutex<Option<T>>> = (0..count).map(|_| std::sync::Mutex::new(None)).collect();
        let next = || queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner).pop_front();
        let finish = |(i, task): (usize, Task<'a, T>)| {
            let value = task();
            *results[i].lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(value);
        };
        let work = || loop {
            let _permit = permits::hold();
            let Some(task) = next() else { break };
            finish(task);
        };
        std::thread::scope(|s| {
            // This thread takes the first task before any helper exists: it
            // starts here, and at once when this thread holds a permit.
            let permit = permits::hold();
            let first = next();
            // Without a thread (resources exhausted) this one runs them all.
            let helpers: Vec<_> = (1..count.min(permits::limit() + 1))
                .filter_map(|_| std::thread::Builder::new().stack_size(STACK).spawn_scoped(s, work).ok())
                .collect();
            first.map(finish);
            drop(permit);
            work();
            let _lent = permits::lend();
            for helper in helpers {
                if let Err(panic) = helper.join() {
                    std::panic::resume_unwind(panic);
                }
            }
        });
        results.into_iter().filter_map(|r| r.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner)).collect()
    }

    /// Run `f`, which waits for another thread's work, with this thread's
    /// permit lent meanwhile (as [`run`] does while it joins its tasks).
    pub fn waiting<T>(f: impl FnOnce() -> T) -> T {
        let _lent = permits::lend();
        f()
    }

    /// One permit per core, handed out first come, first served: tasks
    /// start in the order they asked, which is the order the pipeline made
    /// them (a spec's load before its emission, a file's first part first).
    mod permits {
        use std::collections::VecDeque;
        use std::sync::{Condvar, Mutex, OnceLock, PoisonError};

        struct Permits {
            state: Mutex<State>,
            turn: Condvar,
        }

        struct State {
            free: usize,
            next_ticket: u64,
            waiting: VecDeque<u64>,
        }

        std::thread_local! {
            /// Whether this thread holds a permit.
            static HELD: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
        }

        /// How many tasks run at once: `CODEGEN_JOBS` when set to a positive
        /// number (for measuring), else one per core.
        pub(super) fn limit() -> usize {
            static LIMIT: OnceLock<usize> = OnceLock::new();
            *LIMIT.get_or_init(|| {
                std::env::var("CODEGEN_JOBS")
                    .ok()
                    .and_then(|v| v.parse().ok())
                    .filter(|&n: &usize| n > 0)
                    .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get))
            })
        }

        fn permits() -> &'static Permits {
            static PERMITS: OnceLock<Permits> = OnceLock::new();
            PERMITS.get_or_init(|| Permits {
                state: Mutex::new(State { free: limit(), next_ticket: 0, waiting: VecDeque::new() }),
                turn: Condvar::new(),
            })
        }

        fn acquire() {
            let p = permits();
            let mut state = p.state.lock().unwrap_or_else(PoisonError::into_inner);
            let ticket = state.next_ticket;
            state.next_ticket += 1;
            state.waiting.push_back(ticket);
            while state.free == 0 || state.waiting.front() != Some(&ticket) {
                state = p.turn.wait(state).unwrap_or_else(PoisonError::into_inner);
            }
            state.waiting.pop_front();
            state.free -= 1;
            drop(state);
            // The next in line may be able to go too.
            p.turn.notify_all();
            HELD.with(|h| h.set(true));
        }

        fn release() {
            HELD.with(|h| h.set(false));
            let p = permits();
            p.state.lock().unwrap_or_else(PoisonError::into_inner).free += 1;
            p.turn.notify_all();
        }

        fn held() -> bool {
            HELD.with(std::cell::Cell::get)
        }

        /// Undoes, when dropped, what made it: gives back a permit it took,
        /// or takes back one it lent.
        pub(super) struct Guard {
            undo: Option<fn()>,
        }

        impl Drop for Guard {
            fn drop(&mut self) {
                if let Some(undo) = self.undo {
                    undo();
                }
            }
        }

        /// A permit for this thread while the guard lives, unless it holds
        /// one already.
        pub(super) fn hold() -> Guard {
            if held() {
                return Guard { undo: None };
            }
            acquire();
            Guard { undo: Some(release) }
        }

        /// This thread's permit given back while the guard lives (it is
        /// waiting for other tasks), taken again when dropped.
        pub(super) fn lend() -> Guard {
            if !held() {
                return Guard { undo: None };
            }
            release();
            Guard { undo: Some(acquire) }
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn tasks_run_in_order_here_inside_inline() {
            let here = std::thread::current().id();
            let tasks = || -> Vec<Task<'static, (usize, std::thread::ThreadId)>> {
                (0..3)
                    .map(|i| -> Task<'static, _> {
                        Box::new(move || {
                            // Long enough for a helper thread to take one.
                            std::thread::sleep(std::time::Duration::from_millis(20));
                            (i, std::thread::current().id())
                        })
                    })
                    .collect()
            };
            let inlined = inline(|| run(tasks()));
            assert_eq!(inlined, (0..3).map(|i| (i, here)).collect::<Vec<_>>());
            // Outside `inline` again (restored on the way out): this thread
            // starts the first, and with more than one core, helpers take
            // some of the others; results keep the tasks' order.
            let spread = run(tasks());
            assert_eq!(spread.iter().map(|(i, _)| *i).collect::<Vec<_>>(), vec![0, 1, 2]);
            assert_eq!(spread[0].1, here);
            if permits::limit() > 1 {
                assert!(spread.iter().any(|(_, id)| *id != here));
            }
        }

        #[test]
        fn nested_tasks_never_run_more_than_the_permits_at_once() {
            use std::sync::atomic::{AtomicUsize, Ordering};
            static RUNNING: AtomicUsize = AtomicUsize::new(0);
            static MOST: AtomicUsize = AtomicUsize::new(0);
            fn leaf(i: usize) -> usize {
                let now = RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
                MOST.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(std::time::Duration::from_millis(2));
                RUNNING.fetch_sub(1, Ordering::SeqCst);
                i
            }
            // Three levels: a parent waiting for its children lends its
            // permit, so this finishes whatever the number of permits.
            let outer: Vec<Task<'static, Vec<Vec<usize>>>> = (0..3)
                .map(|a| -> Task<'static, _> {
                    Box::new(move || {
                        let mid: Vec<Task<'static, Vec<usize>>> = (0..3)
                            .map(|b| -> Task<'static, _> {
                                Box::new(move || {
                                    let leaves: Vec<Task<'static, usize>> = (0..4)
                                        .map(|c| -> Task<'static, usize> {
                                            Box::new(move || leaf(a * 100 + b * 10 + c))
                                        })
                                        .collect();
                                    run(leaves)
                                })
                            })
                            .collect();
                        run(mid)
                    })
                })
                .collect();
            let got = run(outer);
            let want: Vec<Vec<Vec<usize>>> =
                (0..3).map(|a| (0..3).map(|b| (0..4).map(|c| a * 100 + b * 10 + c).collect()).collect()).collect();
            assert_eq!(got, want);
            let most = MOST.load(Ordering::SeqCst);
            assert!(most >= 1 && most <= permits::limit(), "{most} tasks ran at once, limit {}", permits::limit());
        }
    }
}

use diag::Diagnostics;
use emit::{CrateNames, GeneratedFile};
pub use load::LoadOptions;
use load::{OverlayInput, Rewrite};
use std::path::PathBuf;

/// One spec to generate from.
#[derive(Debug, Clone)]
pub struct SpecInput {
    /// How the spec is named in headers and diagnostics (a file name).
    pub file: String,
    pub bytes: Vec<u8>,
    pub overlays: Vec<OverlayInput>,
    pub crates: CrateNames,
}

/// What generation produced: files per crate directory and every finding.
#[derive(Debug)]
pub struct Output {
    /// Paths are relative to the output directory (`<crate>/src/lib.rs`).
    pub files: Vec<GeneratedFile>,
    pub diagnostics: Diagnostics,
    pub rewrites: Vec<Rewrite>,
    pub overlay_actions: usize,
    pub api: ir::Api,
}

/// Generation stopped: the document has errors (all in `diagnostics`), or the
/// emitter produced invalid Rust (a generator bug).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{} has {} error(s)", .0.file(), .0.errors().count())]
    Spec(Diagnostics),
    #[error(transparent)]
    Emit(#[from] emit::EmitError),
    /// The crate names asked for are not valid crate names.
    #[error("{0}")]
    CrateNames(String),
    /// The spec a families crate links to did not load.
    #[error("{0}")]
    Linked(String),
}

/// Load a document and build its IR, without emitting code.
pub fn load_api(input: &SpecInput) -> Result<(ir::Api, Diagnostics, Vec<Rewrite>, usize), Error> {
    load_api_with(input, &LoadOptions::default())
}

/// [`load_api`], reading files named by external references as `options` allow.
pub fn load_api_with(
    input: &SpecInput,
    options: &LoadOptions,
) -> Result<(ir::Api, Diagnostics, Vec<Rewrite>, usize), Error> {
    let mut diags = Diagnostics::new(input.file.clone());
    let Some(loaded) = load::load_with(&input.file, &input.bytes, &input.overlays, options, &mut diags) else {
        load::add_lines(&input.bytes, &mut diags);
        return Err(Error::Spec(diags));
    };
    let api = ir::build::build(&loaded, &mut diags);
    load::add_lines(&input.bytes, &mut diags);
    if diags.has_errors() {
        return Err(Error::Spec(diags));
    }
    Ok((api, diags, loaded.rewrites, loaded.overlay_actions))
}

/// The effective document of a spec: upstream bytes + overlays +
/// normalisations, as the crates see it (see [`load::effective`]).
/// External references are made local first, so the result stands alone.
pub fn effective_spec(input: &SpecInput, options: &LoadOptions) -> Result<(serde_json::Value, Diagnostics), Error> {
    let mut diags = Diagnostics::new(input.file.clone());
    let Some(loaded) = load::load_with(&input.file, &input.bytes, &input.overlays, options, &mut diags) else {
        load::add_lines(&input.bytes, &mut diags);
        return Err(Error::Spec(diags));
    };
    // The IR stage finds defects the loader cannot (required names that are
    // not properties…): the same findings as `codegen`, so a document that
    // does not generate is not handed to other tools either.
    let _ = ir::build::build(&loaded, &mut diags);
    load::add_lines(&input.bytes, &mut diags);
    if diags.has_errors() {
        return Err(Error::Spec(diags));
    }
    let provenance = load::effective::Provenance {
        file: input.file.clone(),
        sha256: loaded.sha256.clone(),
        overlays: input.overlays.iter().map(|o| o.file.clone()).collect(),
    };
    Ok((load::effective::effective(&loaded, &provenance), diags))
}

/// The whole pipeline: load → ir → emit, for every crate of the spec. External
/// references cannot be followed (there is no directory): see [`generate_with`].
pub fn generate(input: &SpecInput) -> Result<Output, Error> {
    generate_with(input, &LoadOptions::default())
}

/// [`generate`] for a document read from a file: `options.base_dir` is its
/// directory, where relative external references are read from.
pub fn generate_with(input: &SpecInput, options: &LoadOptions) -> Result<Output, Error> {
    input.crates.check().map_err(Error::CrateNames)?;
    let (api, diagnostics, rewrites, overlay_actions) = load_api_with(input, options)?;
    let files = emit_crates(&api, &input.crates)?;
    Ok(Output { files, diagnostics, rewrites, overlay_actions, api })
}

/// Emit the types, client and server crates of a loaded document, each on its
/// own thread (they share only the IR and the tag features); files in that
/// order, under each crate's directory.
pub fn emit_crates(api: &ir::Api, crates: &CrateNames) -> Result<Vec<GeneratedFile>, Error> {
    type Emitted = Result<Vec<GeneratedFile>, emit::EmitError>;
    let under = |dir: &str, emitted: Emitted| -> Emitted {
        Ok(emitted?
            .into_iter()
            .map(|f| GeneratedFile { path: PathBuf::from(dir).join(f.path), contents: f.contents })
            .collect())
    };
    let features = crates.tag_features.then(|| tags::tag_features(api));
    let features = features.as_ref();
    // The client first: its `operations.rs` is the longest task that is not
    // cut into parts, so it starts first (on this thread, at once) and the
    // other crates' parts fill the cores around it.
    let tasks: Vec<par::Task<'_, Emitted>> = vec![
        Box::new(|| under(&crates.client, emit::client::emit(api, crates, features))),
        Box::new(|| under(&crates.types, emit::types::emit(api, crates, features))),
        Box::new(|| under(&crates.server, emit::server::emit(api, crates, features))),
    ];
    let mut emitted = par::run(tasks);
    // Files in crate order: types, client, server.
    if let [client, types, ..] = &mut emitted[..] {
        std::mem::swap(client, types);
    }
    let mut files = Vec::new();
    for emitted in emitted {
        files.extend(emitted?);
    }
    Ok(files)
}

/// One spec of a [`generate_batch`].
#[derive(Debug, Clone)]
pub struct Job {
    pub input: SpecInput,
    pub options: LoadOptions,
    pub kind: JobKind,
}

/// What a [`Job`] generates.
#[derive(Debug, Clone)]
pub enum JobKind {
    /// The types, client and server crates ([`generate_with`]).
    Crates,
    /// A families crate ([`generate_families`]), converting into the types
    /// crate of `linked` when there is one.
    Families { config: family::FamiliesConfig, linked: Option<Link> },
}

/// The spec a families crate links to.
#[derive(Debug, Clone)]
pub enum Link {
    /// Generated by the batch's job of that index (a [`JobKind::Crates`]
    /// job): its IR is used, not built twice.
    Job(usize),
    /// Loaded on its own.
    Spec(Box<SpecInput>),
}

/// Generate several specs at once, each on its own thread; results in the
/// jobs' order, each as [`generate_with`] or [`generate_families`] would
/// give it.
///
/// A spec under a quarter of the largest one's size is generated on its
/// job's thread alone ([`par::inline`]): work grows with size, and such a
/// spec's whole run takes about as long as loading the largest one, during
/// which the largest has nothing else to run. More threads for the small
/// spec would only take the cores from the largest one's load, which every
/// one of its later tasks waits for (measured: the two main specs, 160 KB
/// and 715 KB, come out about 6% shorter on two cores this way).
pub fn generate_batch(jobs: &[Job]) -> Vec<Result<Output, Error>> {
    let slots: Vec<LinkSlot> = jobs.iter().map(|_| LinkSlot::default()).collect();
    let slots = &slots;
    let largest = jobs.iter().map(|j| j.input.bytes.len()).max().unwrap_or(0);
    let tasks: Vec<par::Task<'_, Result<Output, Error>>> = jobs
        .iter()
        .enumerate()
        .map(|(i, job)| -> par::Task<'_, Result<Output, Error>> {
            let small = job.input.bytes.len().saturating_mul(4) < largest;
            Box::new(move || {
                if small {
                    par::inline(|| generate_job(jobs, slots, i, job))
                } else {
                    generate_job(jobs, slots, i, job)
                }
            })
        })
        .collect();
    par::run(tasks)
}

/// Job `i` of a [`generate_batch`].
fn generate_job(jobs: &[Job], slots: &[LinkSlot], i: usize, job: &Job) -> Result<Output, Error> {
    match &job.kind {
        JobKind::Crates => {
            let published = Publish(&slots[i]);
            published.0.set(State::Running);
            job.input.crates.check().map_err(Error::CrateNames)?;
            let (api, diagnostics, rewrites, overlay_actions) = load_api_with(&job.input, &job.options)?;
            let api = std::sync::Arc::new(api);
            published.0.set(State::Done(Some(api.clone())));
            drop(published);
            let files = emit_crates(&api, &job.input.crates)?;
            let api = std::sync::Arc::try_unwrap(api).unwrap_or_else(|shared| (*shared).clone());
            Ok(Output { files, diagnostics, rewrites, overlay_actions, api })
        }
        JobKind::Families { config, linked } => generate_families_linked(&job.input, config, || {
            let Some(link) = linked else { return Ok(None) };
            let (slot, input) = match link {
                Link::Job(j) => match (slots.get(*j), jobs.get(*j)) {
                    (Some(slot), Some(Job { input, kind: JobKind::Crates, .. })) => (Some(slot), input),
                    _ => return Err(Error::Linked(format!("job {j} of the batch generates no types crate"))),
                },
                Link::Spec(input) => (None, &**input),
            };
            let not_loaded = || Error::Linked(format!("{} did not load, so nothing links to it", input.file));
            match slot.map(LinkSlot::wait) {
                Some(Some(Some(api))) => Ok(Some(api)),
                Some(Some(None)) => Err(not_loaded()),
                // The linked job has not started (no thread for it): build the IR here.
                Some(None) | None => match load_api(input) {
                    Ok((api, ..)) => Ok(Some(std::sync::Arc::new(api))),
                    Err(e) => Err(Error::Linked(format!("loading {}: {e}", input.file))),
                },
            }
        }),
    }
}

/// Where a linked job's IR is handed to the families job waiting for it.
#[derive(Default)]
struct LinkSlot {
    state: std::sync::Mutex<State>,
    changed: std::sync::Condvar,
}

#[derive(Default, Clone)]
enum State {
    #[default]
    Pending,
    Running,
    /// `None`: the document did not load.
    Done(Option<std::sync::Arc<ir::Api>>),
}

impl LinkSlot {
    fn set(&self, state: State) {
        *self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = state;
        self.changed.notify_all();
    }

    /// The IR once the job has loaded it; `None` when the job has not started.
    fn wait(&self) -> Option<Option<std::sync::Arc<ir::Api>>> {
        par::waiting(|| self.wait_here())
    }

    fn wait_here(&self) -> Option<Option<std::sync::Arc<ir::Api>>> {
        let mut state = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        loop {
            match &*state {
                State::Pending => return None,
                State::Done(api) => return Some(api.clone()),
                State::Running => {
                    state = self.changed.wait(state).unwrap_or_else(std::sync::PoisonError::into_inner);
                }
            }
        }
    }
}

/// Marks the slot done without an IR unless the job got as far as setting one,
/// whatever way it ends, so that no families job waits forever.
struct Publish<'a>(&'a LinkSlot);

impl Drop for Publish<'_> {
    fn drop(&mut self) {
        let mut state = self.0.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if !matches!(*state, State::Done(_)) {
            *state = State::Done(None);
            self.0.changed.notify_all();
        }
    }
}

/// Load a document and analyse its feature-gated families (see [`family`]).
/// `input.crates` is not used: a families entry generates only its families
/// crate. `linked` is the IR of the spec whose types crate the families
/// convert into.
pub fn load_families(
    input: &SpecInput,
    config: &family::FamiliesConfig,
    linked: Option<&ir::Api>,
) -> Result<(family::FamilyCrate, Diagnostics, Vec<Rewrite>, usize), Error> {
    let (api, mut diags, rewrites, overlay_actions) = load_family_schemas(input, config)?;
    let fc = family::analyse(&api, config, linked, &mut diags);
    if diags.has_errors() {
        return Err(Error::Spec(diags));
    }
    Ok((fc, diags, rewrites, overlay_actions))
}

/// The families pipeline: load → ir → family analysis → emit the families crate.
pub fn generate_families(
    input: &SpecInput,
    config: &family::FamiliesConfig,
    linked: Option<&ir::Api>,
) -> Result<Output, Error> {
    generate_families_linked(input, config, || Ok(linked))
}

/// [`generate_families`] with the linked IR asked for only once the
/// document is loaded, so that it can be built meanwhile (on another thread);
/// an `Err` from `linked` stops generation with that error.
pub fn generate_families_linked<A: std::ops::Deref<Target = ir::Api>>(
    input: &SpecInput,
    config: &family::FamiliesConfig,
    linked: impl FnOnce() -> Result<Option<A>, Error>,
) -> Result<Output, Error> {
    let (api, mut diagnostics, rewrites, overlay_actions) = load_family_schemas(input, config)?;
    let linked = linked()?;
    let fc = family::analyse(&api, config, linked.as_deref(), &mut diagnostics);
    if diagnostics.has_errors() {
        return Err(Error::Spec(diagnostics));
    }
    let files = emit::families::emit(&fc)?
        .into_iter()
        .map(|f| GeneratedFile { path: PathBuf::from(&fc.crate_name).join(f.path), contents: f.contents })
        .collect();
    Ok(Output { files, diagnostics, rewrites, overlay_actions, api: fc.api })
}

/// [`load_api`] for a families entry, which needs only the schemas its unions
/// reach: the document is parsed and patched as usual, then everything else
/// (paths, other schemas) is dropped before normalisation and the IR, which
/// halves the work on a large document. Pointers and lines in diagnostics
/// still name the original document.
fn load_family_schemas(
    input: &SpecInput,
    config: &family::FamiliesConfig,
) -> Result<(ir::Api, Diagnostics, Vec<Rewrite>, usize), Error> {
    let mut diags = Diagnostics::new(input.file.clone());
    let Ok(text) = std::str::from_utf8(&input.bytes) else {
        // `load` reports this (and everything else about an unreadable document) itself.
        return load_api(input);
    };
    let Some(mut raw) = load::parse_document(text, &mut diags) else {
        load::add_lines(&input.bytes, &mut diags);
        return Err(Error::Spec(diags));
    };
    let mut overlay_actions = 0;
    for o in &input.overlays {
        let mut odiags = Diagnostics::new(o.file.clone());
        if let Some(ov) = load::overlay::parse_overlay(&o.text, &o.file, &mut odiags) {
            overlay_actions += load::overlay::apply_overlay(&mut raw, &ov, &mut odiags).applied.len();
        }
        diags.extend(odiags);
    }
    let roots: Vec<&str> = config.families.iter().map(|f| f.union.as_str()).collect();
    family::prune_to(&mut raw, &roots);
    let sha256 = manifest::sha256_hex(&input.bytes);
    let Some(loaded) = load::load_tree(&input.file, sha256, raw, &[], &LoadOptions::default(), &mut diags) else {
        load::add_lines(&input.bytes, &mut diags);
        return Err(Error::Spec(diags));
    };
    let api = ir::build::build(&loaded, &mut diags);
    load::add_lines(&input.bytes, &mut diags);
    if diags.has_errors() {
        return Err(Error::Spec(diags));
    }
    Ok((api, diags, loaded.rewrites, overlay_actions))
}
