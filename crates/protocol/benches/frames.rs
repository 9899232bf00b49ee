//! What an LZ4 data frame costs: the relay compresses each 64 KiB frame once (`encode`), the page decompresses it
//! (`decode`), on the generator's lines. Throughput is in plain bytes; the compressed size is printed once.
//!
//!     cargo bench -p dstream-protocol --bench frames

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use dstream_notebook::generator::LogGenerator;
use dstream_protocol::FrameEncoding;

/// The relay's default `--frame-bytes`.
const FRAME_BYTES: usize = 64 * 1024;

/// Whole generated lines, up to `FRAME_BYTES`.
fn frame() -> Vec<u8> {
    let mut generator = LogGenerator::new(1);
    let mut frame = Vec::with_capacity(FRAME_BYTES);
    loop {
        let line = generator.next_line();
        if frame.len() + line.len() + 1 > FRAME_BYTES {
            return frame;
        }
        frame.extend_from_slice(line.as_bytes());
        frame.push(b'\n');
    }
}

fn frames(c: &mut Criterion) {
    let plain = frame();
    let packed = FrameEncoding::Lz4.encode(&plain).into_owned();
    println!(
        "a frame of {} bytes of generated lines compresses to {} bytes ({:.2} times smaller)",
        plain.len(),
        packed.len(),
        plain.len() as f64 / packed.len() as f64
    );
    let mut group = c.benchmark_group("lz4_frame");
    group.throughput(Throughput::Bytes(plain.len() as u64));
    group.bench_function("encode", |b| b.iter(|| FrameEncoding::Lz4.encode(&plain)));
    group.bench_function("decode", |b| {
        b.iter(|| FrameEncoding::Lz4.decode(&packed).unwrap())
    });
    group.finish();
}

criterion_group!(benches, frames);
criterion_main!(benches);
