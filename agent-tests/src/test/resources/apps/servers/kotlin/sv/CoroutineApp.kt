package sv

import com.sun.net.httpserver.HttpExchange
import com.sun.net.httpserver.HttpServer
import java.net.InetSocketAddress
import java.util.concurrent.ExecutorService
import java.util.concurrent.Executors
import kotlin.coroutines.CoroutineContext
import kotlinx.coroutines.DelicateCoroutinesApi
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.GlobalScope
import kotlinx.coroutines.async
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext

/**
 * A Kotlin server as a new user writes it: the JDK's HttpServer, each request handled in a coroutine that reads
 * the swappable version, suspends in delay, reads it again (and holds there, for a unit named hold-*), then reads
 * it at its end twice, after a delay in a withContext(Dispatchers.IO) block and after one in a child coroutine
 * (async), and answers. The path names the coroutine's dispatcher: /default, /io, /pool
 * (an application pool's asCoroutineDispatcher()), /virtual (virtual threads, JDK 21+). The handler returns at
 * once; the coroutine answers.
 */
@OptIn(DelicateCoroutinesApi::class)
fun main() {
    val pool = Executors.newCachedThreadPool()
    val dispatchers = mutableMapOf<String, CoroutineContext>(
        "/default" to Dispatchers.Default,
        "/io" to Dispatchers.IO,
        "/pool" to pool.asCoroutineDispatcher())
    if (Runtime.version().feature() >= 21) {
        val virtual = Executors::class.java.getMethod("newVirtualThreadPerTaskExecutor").invoke(null)
        dispatchers["/virtual"] = (virtual as ExecutorService).asCoroutineDispatcher()
    }
    val server = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0)
    server.createContext("/") { exchange ->
        val id = exchange.requestURI.query.substringAfter("id=")
        GlobalScope.launch(dispatchers.getValue(exchange.requestURI.path)) {
            val first = sv.mod.Version.version()
            delay(10)
            val start = Gates.held(id, Gates.same(first, sv.mod.Version.version()))
            // the end is read in withContext's block after a delay, and in a child coroutine after another
            val inBlock = withContext(Dispatchers.IO) {
                delay(10)
                sv.mod.Version.version()
            }
            val inChild = async {
                delay(10)
                sv.mod.Version.version()
            }.await()
            answer(exchange, "start=$start end=${Gates.same(inBlock, inChild)}")
        }
    }
    server.start()
    println("ready " + server.address.port)
    Gates.commands { }
    server.stop(0)
    pool.shutdown()
}

private fun answer(exchange: HttpExchange, text: String) {
    val body = text.toByteArray()
    exchange.sendResponseHeaders(200, body.size.toLong())
    exchange.responseBody.use { it.write(body) }
}
