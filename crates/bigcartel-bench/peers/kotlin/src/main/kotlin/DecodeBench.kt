// JSON:API decode + relationship resolution on the JVM: our Kotlin package (the Rust core through
// uniffi, typed records out) against Jackson's tree model plus a plain resolver written the way a
// Kotlin integration would, on the same saved pages, interleaved round by round.
// Usage: DecodeBenchKt BODIES_DIR [--smoke]
import com.bigcartel.sdk.decodeOrders
import com.bigcartel.sdk.decodeProducts
import com.fasterxml.jackson.databind.DeserializationFeature
import com.fasterxml.jackson.databind.JsonNode
import com.fasterxml.jackson.databind.ObjectMapper
import java.io.File

// Exact decimals, as our records keep them: a float would round money.
private val mapper = ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)

/** The primary data as maps, relationships replaced by the included resources (depth 6 at most). */
fun resolve(doc: JsonNode): List<Map<String, Any?>> {
    val index = HashMap<Pair<String, String>, JsonNode>()
    val data = doc.get("data")
    val primary = if (data.isArray) data.toList() else listOf(data)
    for (r in (doc.get("included")?.toList() ?: emptyList()) + primary) {
        index.putIfAbsent(r.path("type").asText() to r.path("id").asText(), r)
    }
    lateinit var link: (JsonNode, Int) -> Map<String, Any?>
    fun one(r: JsonNode, depth: Int): Map<String, Any?> {
        val out = LinkedHashMap<String, Any?>()
        out["id"] = r.path("id").asText()
        r.get("attributes")?.fields()?.forEach { (k, v) -> out[k] = v }
        r.get("relationships")?.fields()?.forEach { (name, rel) ->
            val linkage = rel.get("data")
            out[name] = when {
                linkage == null || linkage.isNull -> null
                linkage.isArray -> linkage.map { link(it, depth) }
                else -> link(linkage, depth)
            }
        }
        return out
    }
    link = { identifier, depth ->
        val target = index[identifier.path("type").asText() to identifier.path("id").asText()]
        if (target == null || depth >= 6) mapOf("id" to identifier.path("id").asText()) else one(target, depth + 1)
    }
    return primary.map { one(it, 0) }
}

fun main(args: Array<String>) {
    val dir = File(args[0])
    val smoke = args.contains("--smoke")
    val (rounds, iters) = if (smoke) 2 to 2 else 15 to 100
    val results = mutableListOf<String>()
    for (page in listOf("orders", "products")) {
        val raw = File(dir, "$page.json").readBytes()
        val contenders = linkedMapOf<String, () -> Int>(
            "jackson" to { resolve(mapper.readTree(raw)).size },
            "ours_kotlin" to {
                if (page == "orders") decodeOrders(raw).size else decodeProducts(raw).size
            },
        )
        // Check each really decodes the page, and that ours resolves relationships.
        for ((name, f) in contenders) check(f() == 100) { "$name did not decode 100 $page" }
        if (page == "orders") check(decodeOrders(raw).any { it.items.isNotEmpty() }) { "no order resolved its items" }
        // Warm-up: the JIT compiles both before anything is timed.
        repeat(if (smoke) 1 else 3) { for (f in contenders.values) repeat(iters) { f() } }
        val samples = contenders.keys.associateWith { mutableListOf<Double>() }
        repeat(rounds) {
            for ((name, f) in contenders) {
                val t = System.nanoTime()
                repeat(iters) { f() }
                samples.getValue(name).add(iters / ((System.nanoTime() - t) / 1e9))
            }
        }
        val fields = samples.entries.joinToString(",") { (name, s) ->
            "\"${name}_pages_s\":${s.sorted()[s.size / 2]}"
        }
        results.add("{\"page\":\"$page\",$fields}")
    }
    val jvm = System.getProperty("java.version")
    println("{\"row\":\"decode_kotlin\",\"jvm\":\"$jvm\",\"results\":[${results.joinToString(",")}]}")
}
