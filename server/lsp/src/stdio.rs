//! Standard input and output as non-blocking descriptors that the runtime's own thread reads
//! and writes, where they are pipes or sockets (as every editor starts a server).
//!
//! Why: each hand-off between threads is a wake-up, and on a VM a wake-up that lands on an
//! idle vCPU now and then waits milliseconds for the host to run it (docs/performance.md,
//! "where a hover after a keystroke waits"). With a thread reading stdin and one writing
//! stdout, a hover took four of them (client → input thread → message thread → output
//! thread → client); read and written here, it takes two, the ones no server can avoid.
//! Anything else (a file, a terminal: `O_NONBLOCK` there would change the terminal for the
//! shell too) keeps the reading and writing threads.

use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::task::{ready, Context, Poll};

use tokio::io::unix::AsyncFd;

/// One of the process's standard descriptors; not closed on drop.
pub struct Stdio(RawFd);

impl AsRawFd for Stdio {
    fn as_raw_fd(&self) -> RawFd {
        self.0
    }
}

/// Standard input, non-blocking and registered with the runtime, if it is a pipe or a socket.
/// Must be called inside the runtime.
pub fn stdin() -> Option<AsyncFd<Stdio>> {
    registered(libc::STDIN_FILENO)
}

/// Standard output, as [`stdin`]; not where stderr is the same pipe (`2>&1`): `O_NONBLOCK`
/// belongs to the open pipe, and a log line written to a full pipe would then fail.
pub fn stdout() -> Option<AsyncFd<Stdio>> {
    let same = |a: &libc::stat, b: &libc::stat| a.st_dev == b.st_dev && a.st_ino == b.st_ino;
    match (file_stat(libc::STDOUT_FILENO), file_stat(libc::STDERR_FILENO)) {
        (Some(out), Some(err)) if same(&out, &err) => None,
        _ => registered(libc::STDOUT_FILENO),
    }
}

fn file_stat(fd: RawFd) -> Option<libc::stat> {
    let mut stat = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: `fstat` writes a whole `stat` into the pointer when it returns 0.
    (unsafe { libc::fstat(fd, stat.as_mut_ptr()) } == 0).then(|| unsafe { stat.assume_init() })
}

fn registered(fd: RawFd) -> Option<AsyncFd<Stdio>> {
    let kind = file_stat(fd)?.st_mode & libc::S_IFMT;
    if kind != libc::S_IFIFO && kind != libc::S_IFSOCK {
        return None;
    }
    // SAFETY: `fcntl` with these commands reads and sets the descriptor's flags, nothing else.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 || unsafe { libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) } < 0 {
        return None;
    }
    // SAFETY: the standard descriptors stay open, on the same open file, for the whole
    // process: nothing in the server closes or replaces them.
    match unsafe { AsyncFd::register(Stdio(fd)) } {
        Ok(registered) => Some(registered),
        Err(_) => {
            // Not pollable after all: back to blocking, for the threads.
            unsafe { libc::fcntl(fd, libc::F_SETFL, flags) };
            None
        }
    }
}

/// Reads what is there into `buf`: `Ready(Ok(0))` at the end of the input.
pub fn poll_read(fd: &AsyncFd<Stdio>, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
    loop {
        let mut ready = ready!(fd.poll_read_ready(cx))?;
        // SAFETY: `buf` is valid for `buf.len()` bytes of writing.
        let read = ready.try_io(|fd| result(unsafe { libc::read(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) }));
        match read {
            Ok(Err(error)) if error.kind() == io::ErrorKind::Interrupted => {}
            Ok(done) => return Poll::Ready(done),
            Err(_would_block) => {} // readiness cleared: poll again to wait
        }
    }
}

/// Writes all of `bytes`, waiting while the pipe is full (the client not reading yet).
pub async fn write_all(fd: &AsyncFd<Stdio>, mut bytes: &[u8]) -> io::Result<()> {
    while !bytes.is_empty() {
        let mut ready = fd.writable().await?;
        // SAFETY: `bytes` is valid for `bytes.len()` bytes of reading.
        let written =
            ready.try_io(|fd| result(unsafe { libc::write(fd.as_raw_fd(), bytes.as_ptr().cast(), bytes.len()) }));
        match written {
            Ok(Ok(0)) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(Ok(n)) => bytes = &bytes[n..],
            Ok(Err(error)) if error.kind() == io::ErrorKind::Interrupted => {}
            Ok(Err(error)) => return Err(error),
            Err(_would_block) => {}
        }
    }
    Ok(())
}

fn result(n: isize) -> io::Result<usize> {
    usize::try_from(n).map_err(|_| io::Error::last_os_error())
}
