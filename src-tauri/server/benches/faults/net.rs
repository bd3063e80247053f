//! Small local TCP proxies between the bench's desktops and the server.

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpSocket};

/// Accepts connections on `listen`, connects each to the server on `upstream` (with a small
/// receive buffer if `small_buffer`), passes the desktop's bytes on as they come and hands
/// the server's side to `replies` (server reader, desktop writer).
async fn proxy<F, Fut>(listen: u16, upstream: u16, small_buffer: bool, replies: F)
where
    F: Fn(OwnedReadHalf, OwnedWriteHalf) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind(("127.0.0.1", listen)).await.unwrap();
    loop {
        let Ok((client, _)) = listener.accept().await else {
            continue;
        };
        let socket = TcpSocket::new_v4().unwrap();
        if small_buffer {
            socket.set_recv_buffer_size(4096).unwrap();
        }
        let Ok(server) = socket.connect(([127, 0, 0, 1], upstream).into()).await else {
            continue;
        };
        let (mut cr, cw) = client.into_split();
        let (sr, mut sw) = server.into_split();
        let reply = replies(sr, cw);
        tokio::spawn(async move {
            let up = tokio::spawn(async move {
                let _ = tokio::io::copy(&mut cr, &mut sw).await;
                let _ = sw.shutdown().await;
            });
            reply.await;
            up.abort();
        });
    }
}

/// Passes everything on, except that it cuts about one in ten of the server's replies: the
/// connection is closed instead of forwarding that chunk.
pub async fn flaky(listen: u16, upstream: u16, cut: Arc<AtomicU64>, passed: Arc<AtomicU64>) {
    proxy(listen, upstream, false, move |mut sr, mut cw| {
        let (cut, passed) = (cut.clone(), passed.clone());
        async move {
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                let n = match sr.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                if rand::random::<u32>() % 100 < 10 {
                    cut.fetch_add(1, Ordering::Relaxed);
                    break;
                }
                passed.fetch_add(1, Ordering::Relaxed);
                if cw.write_all(&buf[..n]).await.is_err() {
                    break;
                }
            }
        }
    })
    .await
}

/// Passes everything on until `stalled` is set; then stops reading the server's side (with
/// a small receive buffer, so the server soon has nowhere to put what it sends) until
/// `stalled` is cleared: a desktop whose event stream hangs. `closed` is set when the
/// server ended a connection.
pub async fn stalling(
    listen: u16,
    upstream: u16,
    stalled: Arc<AtomicBool>,
    closed: Arc<AtomicBool>,
) {
    proxy(listen, upstream, true, move |mut sr, mut cw| {
        let (stalled, closed) = (stalled.clone(), closed.clone());
        async move {
            let mut buf = vec![0u8; 4096];
            loop {
                while stalled.load(Ordering::Relaxed) {
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
                let n = match sr.read(&mut buf).await {
                    Ok(0) | Err(_) => {
                        closed.store(true, Ordering::Relaxed);
                        break;
                    }
                    Ok(n) => n,
                };
                if cw.write_all(&buf[..n]).await.is_err() {
                    break;
                }
            }
            let _ = cw.shutdown().await;
        }
    })
    .await
}
