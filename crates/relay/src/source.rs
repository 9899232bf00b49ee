//! The TCP source: connect like Spark's `socketTextStream`, read lines, hand frames to the hub; retry forever.
//!
//! When the source cannot be reached or closes, the relay logs it, tells the clients (a `source_disconnected`
//! status) and tries again after the retry delay (2 s, Spark's receiver restart delay), until shutdown.

use std::io;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use tokio::io::AsyncReadExt as _;
use tokio::net::TcpStream;
use tokio::time::Instant;

use crate::hub::Hub;
use crate::lines::{LineSink, LineSplitter};
use crate::shutdown::Shutdown;
use memchr::{memchr, memchr_iter, memrchr};

/// How the source task reads and packs lines.
#[derive(Debug, Clone)]
pub struct SourceConfig {
    /// The address to connect to, e.g. `127.0.0.1:9999`.
    pub address: String,
    /// Lines longer than this many bytes are cut.
    pub max_line_bytes: usize,
    /// A data frame is sent once it holds this many bytes.
    pub frame_bytes: usize,
    /// A data frame is sent once its first line has waited this long (zero: as soon as the source has nothing
    /// more to read right now).
    pub max_delay: Duration,
    /// The pause between two connection attempts.
    pub retry_delay: Duration,
}

/// Packs lines into frames of complete `\n`-terminated lines, at most `frame_bytes` long (unless a single line is
/// longer). Frames that are complete wait in [`FrameBuilder::finished`].
#[derive(Debug)]
pub struct FrameBuilder {
    buf: BytesMut,
    lines: u64,
    frame_bytes: usize,
    first_line_at: Option<Instant>,
    finished: Vec<(Bytes, u64)>,
}

impl FrameBuilder {
    /// A builder whose frames are at most `frame_bytes` long (unless a single line is longer).
    pub fn new(frame_bytes: usize) -> FrameBuilder {
        FrameBuilder {
            buf: BytesMut::with_capacity(frame_bytes.max(1) + 1),
            lines: 0,
            frame_bytes: frame_bytes.max(1),
            first_line_at: None,
            finished: Vec::new(),
        }
    }

    fn append(&mut self, bytes: &[u8], lines: u64) {
        if self.lines == 0 {
            self.first_line_at = Some(Instant::now());
        }
        self.buf.extend_from_slice(bytes);
        self.lines += lines;
    }

    fn close_frame(&mut self) {
        if let Some(frame) = self.take() {
            self.finished.push(frame);
        }
    }

    /// Whether the current frame holds no line.
    pub fn is_empty(&self) -> bool {
        self.lines == 0
    }

    /// Whether the current frame has reached its size bound.
    pub fn is_full(&self) -> bool {
        self.buf.len() >= self.frame_bytes
    }

    /// When the first line of the current frame arrived (`None` when empty).
    pub fn first_line_at(&self) -> Option<Instant> {
        self.first_line_at
    }

    /// The frames completed so far (with their line counts), oldest first; the caller drains it.
    pub fn finished(&mut self) -> &mut Vec<(Bytes, u64)> {
        &mut self.finished
    }

    /// Takes the current frame and its line count, if it holds any line.
    pub fn take(&mut self) -> Option<(Bytes, u64)> {
        if self.lines == 0 {
            return None;
        }
        let frame = self.buf.split().freeze();
        let lines = std::mem::take(&mut self.lines);
        self.first_line_at = None;
        if self.buf.capacity() < self.frame_bytes {
            self.buf.reserve(self.frame_bytes + 1);
        }
        Some((frame, lines))
    }
}

impl LineSink for FrameBuilder {
    fn line(&mut self, line: &[u8]) {
        if self.lines > 0 && self.buf.len() + line.len() + 1 > self.frame_bytes {
            self.close_frame();
        }
        if self.lines == 0 {
            self.first_line_at = Some(Instant::now());
        }
        self.buf.extend_from_slice(line);
        self.buf.extend_from_slice(b"\n");
        self.lines += 1;
    }

    fn block(&mut self, mut block: &[u8], lines: u64) {
        if self.buf.len() + block.len() <= self.frame_bytes {
            self.append(block, lines);
            return;
        }
        while !block.is_empty() {
            let room = self.frame_bytes.saturating_sub(self.buf.len());
            if block.len() <= room {
                let n = memchr_iter(b'\n', block).count() as u64;
                self.append(block, n);
                return;
            }
            // The longest run of whole lines that fits.
            match memrchr(b'\n', &block[..room]) {
                Some(end) => {
                    let part = &block[..=end];
                    let n = memchr_iter(b'\n', part).count() as u64;
                    self.append(part, n);
                    self.close_frame();
                    block = &block[end + 1..];
                }
                None if self.lines > 0 => self.close_frame(),
                None => {
                    // One line longer than a frame: it gets a frame of its own.
                    let end = memchr(b'\n', block).unwrap_or(block.len() - 1);
                    self.append(&block[..=end], 1);
                    self.close_frame();
                    block = &block[end + 1..];
                }
            }
        }
    }
}

/// Runs the source side of the relay until shutdown: connect, pump, retry.
pub async fn run(config: SourceConfig, hub: Arc<Hub>, shutdown: Shutdown) {
    let retry_secs = config.retry_delay.as_secs_f64();
    loop {
        let connected = tokio::select! {
            _ = shutdown.wait() => return,
            result = TcpStream::connect(&config.address) => result,
        };
        match connected {
            Ok(stream) => {
                let _ = stream.set_nodelay(true);
                tracing::info!(source = %config.address, "connected to the source");
                hub.source_connected();
                let outcome = pump(&config, stream, &hub, &shutdown).await;
                if shutdown.is_triggered() {
                    return;
                }
                let reason = match outcome {
                    Ok(()) => {
                        format!("the source closed the connection; retrying every {retry_secs} s")
                    }
                    Err(e) => format!(
                        "reading from the source failed ({e}); retrying every {retry_secs} s"
                    ),
                };
                tracing::warn!(source = %config.address, "{reason}");
                hub.source_disconnected(reason);
            }
            Err(e) => {
                let reason = connect_error_reason(&config.address, &e, retry_secs);
                if hub.source_disconnected(reason.clone()) {
                    tracing::warn!(source = %config.address, "{reason}");
                } else {
                    tracing::debug!(source = %config.address, "{reason}");
                }
            }
        }
        tokio::select! {
            _ = shutdown.wait() => return,
            _ = tokio::time::sleep(config.retry_delay) => {}
        }
    }
}

/// A sentence saying why connecting failed, for students.
pub fn connect_error_reason(address: &str, e: &io::Error, retry_secs: f64) -> String {
    match e.kind() {
        io::ErrorKind::ConnectionRefused => format!(
            "nothing listens on {address} (connection refused); start send-messages or your source there; retrying every {retry_secs} s"
        ),
        _ => format!("cannot connect to {address} ({e}); retrying every {retry_secs} s"),
    }
}

/// Reads the connection until it ends (Ok) or fails (Err), or until shutdown (Ok).
async fn pump(
    config: &SourceConfig,
    mut stream: TcpStream,
    hub: &Hub,
    shutdown: &Shutdown,
) -> io::Result<()> {
    let mut splitter = LineSplitter::new(config.max_line_bytes);
    let mut builder = FrameBuilder::new(config.frame_bytes);
    let mut buf = ReadBuffer::new(Arc::new(BufferPool::default()));
    let result = loop {
        let deadline = builder.first_line_at().map(|t| t + config.max_delay);
        let read = tokio::select! {
            biased;
            _ = shutdown.wait() => break Ok(()),
            _ = sleep_until_opt(deadline) => {
                send(hub, builder.take());
                continue;
            }
            read = stream.read(buf.spare()) => read,
        };
        match read {
            Ok(0) => break Ok(()),
            Ok(n) => {
                buf.filled += n;
                process(
                    &mut buf,
                    &mut splitter,
                    &mut builder,
                    config.max_delay.is_zero(),
                );
                let counts = splitter.take_counts();
                hub.count_repairs(counts.cut, counts.invalid_utf8);
                for frame in builder.finished().drain(..) {
                    send(hub, Some(frame));
                }
                if builder.is_full() || config.max_delay.is_zero() {
                    send(hub, builder.take());
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => break Err(e),
        }
    };
    // Like readLine(), the last line counts even without a terminator.
    if buf.filled > 0 {
        splitter.feed(buf.filled(), &mut builder);
        buf.filled = 0;
    }
    splitter.finish(&mut builder);
    for frame in builder.finished().drain(..) {
        send(hub, Some(frame));
    }
    send(hub, builder.take());
    let counts = splitter.take_counts();
    hub.count_repairs(counts.cut, counts.invalid_utf8);
    result
}

/// How much the source task reads at once: one frame's worth, so that a full read becomes one frame that shares
/// the buffer, and a frame pins at most about twice its own size (see [`ReadBuffer::split_to`]).
const READ_BYTES: usize = 64 * 1024;

/// How many idle read buffers a source connection keeps for reuse (4 MiB).
const POOLED_BUFFERS: usize = 64;

/// Idle read buffers, ready for reuse.
///
/// Why: frames share the memory of the buffer they were read into (no copy), so each read needs a fresh buffer. A
/// fresh allocation of that size comes from the kernel as untouched pages (one page fault and one page clearing
/// per 4 KiB: about a sixth of the relay's CPU at full speed when every read allocated), so buffers whose frames
/// have all been sent come back here instead of being freed.
#[derive(Debug, Default)]
struct BufferPool {
    free: Mutex<Vec<Vec<u8>>>,
}

impl BufferPool {
    fn lock(&self) -> MutexGuard<'_, Vec<Vec<u8>>> {
        // The list of idle buffers stays valid whatever panicked while it was locked.
        self.free
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A buffer of `READ_BYTES` initialized bytes.
    fn take(&self) -> Vec<u8> {
        self.lock().pop().unwrap_or_else(|| vec![0; READ_BYTES])
    }

    /// Keeps `buffer` for reuse, unless enough are idle already or it was grown for a long line.
    fn give(&self, buffer: Vec<u8>) {
        if buffer.len() == READ_BYTES {
            let mut free = self.lock();
            if free.len() < POOLED_BUFFERS {
                free.push(buffer);
            }
        }
    }
}

/// The first `len` bytes of a read buffer, shared by the frames cut from it; gives the buffer back to its pool
/// when the last of them is dropped.
struct SharedBuffer {
    data: Vec<u8>,
    len: usize,
    pool: Arc<BufferPool>,
}

impl AsRef<[u8]> for SharedBuffer {
    fn as_ref(&self) -> &[u8] {
        &self.data[..self.len]
    }
}

impl Drop for SharedBuffer {
    fn drop(&mut self) {
        self.pool.give(std::mem::take(&mut self.data));
    }
}

/// The source connection's read buffer: `data[..filled]` holds bytes read but not yet turned into frames.
#[derive(Debug)]
struct ReadBuffer {
    /// Always fully initialized, so reading into it needs no zeroing.
    data: Vec<u8>,
    filled: usize,
    pool: Arc<BufferPool>,
}

impl ReadBuffer {
    fn new(pool: Arc<BufferPool>) -> ReadBuffer {
        ReadBuffer {
            data: pool.take(),
            filled: 0,
            pool,
        }
    }

    fn filled(&self) -> &[u8] {
        &self.data[..self.filled]
    }

    /// Room for the next read; grows the buffer when a line in progress fills it (at most to about the line cap,
    /// since longer lines go to the splitter, which cuts them).
    fn spare(&mut self) -> &mut [u8] {
        if self.filled == self.data.len() {
            let grown = (self.data.len() * 2).max(READ_BYTES);
            self.data.resize(grown, 0);
        }
        &mut self.data[self.filled..]
    }

    /// Takes the first `n` filled bytes as one [`Bytes`]; the rest stays.
    ///
    /// Large takes share the buffer (no copy; the rest moves to a fresh buffer from the pool). Small takes are
    /// copied out, so that a frame never holds on to a buffer much larger than itself: queued frames then pin at
    /// most about twice their size in memory, which keeps `--client-queue-bytes` a real memory bound even at
    /// a few lines per read.
    fn split_to(&mut self, n: usize) -> Bytes {
        let rest = self.filled - n;
        if n < self.data.len() / 2 {
            let taken = Bytes::copy_from_slice(&self.data[..n]);
            self.data.copy_within(n..self.filled, 0);
            self.filled = rest;
            return taken;
        }
        let mut next = self.pool.take();
        if next.len() < rest {
            next.resize(rest, 0);
        }
        next[..rest].copy_from_slice(&self.data[n..self.filled]);
        let data = std::mem::replace(&mut self.data, next);
        self.filled = rest;
        Bytes::from_owner(SharedBuffer {
            data,
            len: n,
            pool: self.pool.clone(),
        })
    }
}

/// Turns the bytes read so far into frames.
///
/// Fast path (when no frame is being filled, nothing of a line is pending, and `immediate`): the complete lines at
/// the start of `buf`, if they need no repair, become frames cut from one [`Bytes`] (see [`ReadBuffer::split_to`]),
/// and an incomplete last line simply stays in `buf` until more bytes arrive. Everything else goes through the
/// [`LineSplitter`].
fn process(
    buf: &mut ReadBuffer,
    splitter: &mut LineSplitter,
    builder: &mut FrameBuilder,
    immediate: bool,
) {
    let max_line = splitter.max_line_bytes();
    if immediate && splitter.is_idle() && builder.is_empty() {
        match memrchr(b'\n', buf.filled()) {
            Some(last) => {
                let block = &buf.filled()[..=last];
                if block.len() <= max_line
                    && memchr(b'\r', block).is_none()
                    && simdutf8::basic::from_utf8(block).is_ok()
                {
                    let mut block = buf.split_to(last + 1);
                    let frame_bytes = builder.frame_bytes;
                    while !block.is_empty() {
                        let cut = if block.len() <= frame_bytes {
                            block.len()
                        } else {
                            match memrchr(b'\n', &block[..frame_bytes]) {
                                Some(k) => k + 1,
                                None => memchr(b'\n', &block).map_or(block.len(), |k| k + 1),
                            }
                        };
                        let frame = block.split_to(cut);
                        let lines = memchr_iter(b'\n', &frame).count() as u64;
                        builder.finished().push((frame, lines));
                    }
                    if buf.filled <= max_line && memchr(b'\r', buf.filled()).is_none() {
                        return;
                    }
                }
            }
            None => {
                if buf.filled <= max_line && memchr(b'\r', buf.filled()).is_none() {
                    // Part of a line: wait for the rest.
                    return;
                }
            }
        }
    }
    splitter.feed(buf.filled(), builder);
    buf.filled = 0;
}

fn send(hub: &Hub, frame: Option<(Bytes, u64)>) {
    if let Some((frame, lines)) = frame {
        hub.broadcast_data(frame, lines);
    }
}

async fn sleep_until_opt(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(b: &mut FrameBuilder) -> Vec<(Vec<u8>, u64)> {
        let mut out: Vec<(Vec<u8>, u64)> = b
            .finished()
            .drain(..)
            .map(|(f, n)| (f.to_vec(), n))
            .collect();
        out.extend(b.take().map(|(f, n)| (f.to_vec(), n)));
        out
    }

    #[test]
    fn frames_hold_complete_lines_within_the_size_bound() {
        let mut b = FrameBuilder::new(10);
        b.line(b"abcd"); // "abcd\n" = 5
        b.line(b"efg"); // 9
        b.line(b"h"); // would make 11 > 10
        assert_eq!(
            frames(&mut b),
            vec![(b"abcd\nefg\n".to_vec(), 2), (b"h\n".to_vec(), 1)]
        );
        assert!(b.take().is_none());
        // A single line longer than the bound gets a frame of its own.
        b.line(&[b'x'; 25]);
        assert!(b.is_full());
        assert_eq!(frames(&mut b)[0].0.len(), 26);
    }

    #[test]
    fn blocks_are_split_at_line_boundaries() {
        let mut b = FrameBuilder::new(10);
        b.line(b"ab"); // 3 bytes
        b.block(b"cdef\ngh\nijklmnopqrstu\nv\n", 4);
        let got = frames(&mut b);
        assert_eq!(
            got,
            vec![
                (b"ab\ncdef\n".to_vec(), 2),
                (b"gh\n".to_vec(), 1),
                (b"ijklmnopqrstu\n".to_vec(), 1),
                (b"v\n".to_vec(), 1),
            ]
        );
        assert!(got
            .iter()
            .all(|(f, _)| f.len() <= 10 || memchr_iter(b'\n', f).count() == 1));
    }

    #[test]
    fn read_buffers_are_shared_only_by_large_frames_and_come_back_to_the_pool() {
        let pool = Arc::new(BufferPool::default());
        let mut buf = ReadBuffer::new(pool.clone());
        let data: Vec<u8> = (0..READ_BYTES).map(|i| b'a' + (i % 26) as u8).collect();
        buf.spare().copy_from_slice(&data);
        buf.filled = READ_BYTES;
        // A small take is copied out: the rest moves to the start of the same buffer.
        let small = buf.split_to(10);
        assert_eq!(&small[..], &data[..10]);
        assert_eq!(buf.filled(), &data[10..]);
        // A large take shares the buffer; the rest moves to a fresh one.
        let large = buf.split_to(READ_BYTES - 20);
        assert_eq!(&large[..], &data[10..READ_BYTES - 10]);
        assert_eq!(buf.filled(), &data[READ_BYTES - 10..]);
        let part = large.slice(..5);
        drop(large);
        assert!(pool.lock().is_empty(), "a frame still uses the buffer");
        drop(part);
        assert_eq!(pool.lock().len(), 1);
        drop(small);
        assert_eq!(pool.lock().len(), 1);
    }

    #[test]
    fn the_zero_copy_path_gives_the_same_lines_as_the_splitter() {
        let mut data = Vec::new();
        for i in 0..3000 {
            data.extend_from_slice(format!("line {i} \u{e9}\n").as_bytes());
            match i % 500 {
                7 => data.extend_from_slice(b"cr\rcrlf\r\n\xff bad\n"),
                8 => data.extend_from_slice(&[b'y'; 300]),
                _ => {}
            }
        }
        data.extend_from_slice(b"tail");
        // Reference: the splitter alone, one chunk.
        let mut reference = Vec::new();
        let mut s = LineSplitter::new(200);
        let mut sink = |l: &[u8]| reference.push(l.to_vec());
        s.feed(&data, &mut sink);
        s.finish(&mut sink);
        for chunk in [1usize, 7, 100, 4096, 70_000] {
            let mut splitter = LineSplitter::new(200);
            let mut builder = FrameBuilder::new(1024);
            let mut buf = ReadBuffer::new(Arc::new(BufferPool::default()));
            let mut got = Vec::new();
            let collect = |b: &mut FrameBuilder, got: &mut Vec<Vec<u8>>| {
                let mut frames: Vec<Bytes> = b.finished().drain(..).map(|(f, _)| f).collect();
                frames.extend(b.take().map(|(f, _)| f));
                for f in frames {
                    assert!(f.len() <= 1024 && f.ends_with(b"\n"));
                    got.extend(f[..f.len() - 1].split(|&c| c == b'\n').map(<[u8]>::to_vec));
                }
            };
            for mut piece in data.chunks(chunk) {
                // Like reads from the socket: at most the room left in the buffer at a time.
                while !piece.is_empty() {
                    let spare = buf.spare();
                    let n = spare.len().min(piece.len());
                    spare[..n].copy_from_slice(&piece[..n]);
                    buf.filled += n;
                    piece = &piece[n..];
                    process(&mut buf, &mut splitter, &mut builder, true);
                    collect(&mut builder, &mut got);
                }
            }
            splitter.feed(buf.filled(), &mut builder);
            splitter.finish(&mut builder);
            collect(&mut builder, &mut got);
            assert_eq!(got.len(), reference.len(), "chunk size {chunk}");
            assert!(got == reference, "chunk size {chunk}");
        }
    }
}
