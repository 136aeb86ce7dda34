package com.bigcartel.sdk

import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import org.json.JSONObject
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import java.io.File
import java.math.BigDecimal
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.security.MessageDigest

/** The generated Kotlin bindings on the JVM (JNA), against the project's mock server on 127.0.0.1. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientTest {
    private lateinit var mock: Process
    private lateinit var url: String
    private lateinit var accountId: String
    private val http = HttpClient.newHttpClient()
    private val token = "mock-token"
    private val userAgent = "bigcartel-kotlin-tests (tests@example.com)"

    @Test
    fun `the native library comes out of the jar, with no library path set`() {
        assertNull(System.getProperty("jna.library.path"), "no jna.library.path")
        val name = System.mapLibraryName("bigcartel_uniffi")
        val resource = ClientTest::class.java.classLoader.getResources(name).toList() +
            listOfNotNull(ClientTest::class.java.classLoader.getResource("${com.sun.jna.Platform.RESOURCE_PREFIX}/$name"))
        assertTrue(resource.any { it.protocol == "jar" }, "the library is a resource of the jar: $resource")
    }

    @BeforeAll
    fun startMock() {
        val bin = System.getProperty("mock.bin") ?: error("set -Dmock.bin to the bigcartel-mock binary")
        mock = ProcessBuilder(bin, "--port", "0", "--quiet", "--seed", "11", "--products", "25", "--orders", "33")
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start()
        val line = mock.inputStream.bufferedReader().readLine() ?: error("bigcartel-mock printed nothing")
        val m = Regex("""listening on (http://\S+) \(account (\d+)""").find(line) ?: error("unexpected: $line")
        url = m.groupValues[1]
        accountId = m.groupValues[2]
    }

    @AfterAll
    fun stopMock() {
        mock.destroy()
        mock.waitFor()
    }

    @BeforeEach
    fun reset() {
        admin("POST", "/reset", null)
    }

    private fun admin(method: String, path: String, body: String?): String {
        val req = HttpRequest.newBuilder(URI.create("$url/__mock$path"))
            .method(method, if (body == null) HttpRequest.BodyPublishers.noBody() else HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json")
            .build()
        return http.send(req, HttpResponse.BodyHandlers.ofString()).body()
    }

    /** A response body read straight from the server, without the SDK. */
    private fun rawBytes(path: String): ByteArray {
        val req = HttpRequest.newBuilder(URI.create("$url$path"))
            .header("Authorization", "Bearer $token")
            .header("Accept", "application/vnd.api+json")
            .header("User-Agent", userAgent)
            .build()
        return http.send(req, HttpResponse.BodyHandlers.ofByteArray()).body()
    }

    /** A JSON:API document read straight from the server, without the SDK. */
    private fun rawGet(path: String): JSONObject = JSONObject(String(rawBytes(path), Charsets.UTF_8))

    private fun client(token: String = this.token, maxRetries: UInt? = null): Client =
        Client.bearer(token, ClientOptions(userAgent = userAgent, baseUrl = url, accountId = accountId, maxRetries = maxRetries))

    @Test
    fun `listProducts resolves options from included`() = runBlocking {
        val page = client().listProducts(ListProductsParams(pageLimit = 10))
        val raw = rawGet("/v1/accounts/$accountId/products?page[limit]=10")
        val data = raw.getJSONArray("data")
        val included = raw.getJSONArray("included").let { arr ->
            (0 until arr.length()).map { arr.getJSONObject(it) }.associateBy { it.getString("type") to it.getString("id") }
        }
        assertEquals((0 until data.length()).map { data.getJSONObject(it).getString("id") }, page.items.map { it.id })
        assertEquals(raw.getJSONObject("meta").getLong("count"), page.total)
        // The document's own meta and links reach Kotlin whole: as JsonValues, whose string form
        // is their JSON.
        assertTrue(raw.getJSONObject("meta").similar(JSONObject(page.meta!!.toString())), page.meta.toString())
        assertTrue(raw.getJSONObject("links").similar(JSONObject(page.links!!.toString())), page.links.toString())
        var withOptions = 0
        page.items.forEachIndexed { i, product ->
            val res = data.getJSONObject(i)
            assertEquals(res.getJSONObject("attributes").getString("name"), product.name)
            val rel = res.getJSONObject("relationships").getJSONObject("options").getJSONArray("data")
            assertEquals((0 until rel.length()).map { rel.getJSONObject(it).getString("id") }, product.options.map { it.id })
            for (option in product.options) {
                val wire = included.getValue("product_options" to option.id).getJSONObject("attributes")
                // Money is the exact decimal text, never a Double.
                assertEquals(BigDecimal(wire.get("price").toString()), BigDecimal(option.price))
            }
            if (product.options.isNotEmpty()) withOptions++
        }
        assertTrue(withOptions > 0)
    }

    @Test
    fun `page through orders by hand and with the core's paging`() = runBlocking {
        val c = client()
        val seen = mutableListOf<String>()
        var offset = 0L
        while (true) {
            val page = c.listOrders(ListOrdersParams(pageLimit = 6, pageOffset = offset))
            assertEquals(33L, page.total)
            seen += page.items.map { it.id }
            offset += page.items.size
            if (page.next == null || page.items.isEmpty()) break
        }
        assertEquals(33, seen.size)
        assertEquals(33, seen.toSet().size)
        val every = c.listOrdersAll(options = PageOptions(pageSize = 8, concurrency = 3u))
        assertEquals(seen, every.map { it.id })
        assertTrue(every.all { it.items.isNotEmpty() }, "orders carry their resolved line items")
    }

    @Test
    fun `updateOrder round-trips through the server`() = runBlocking {
        val c = client()
        val order = c.listOrders(ListOrdersParams(pageLimit = 1)).items.first()
        // A status is a sealed class whose text is its toString().
        val status = if (order.shippingStatus == OrderShippingStatus.Shipped) "unshipped" else "shipped"
        val updated = c.updateOrder(order.id, OrderInput(shippingStatus = status, customerLastName = "Lovelace"))
        assertEquals(status, updated.shippingStatus.toString())
        val expected = if (status == "shipped") OrderShippingStatus.Shipped else OrderShippingStatus.Unshipped
        assertEquals(expected, updated.shippingStatus)
        assertEquals("Lovelace", updated.customerLastName)
        val again = c.getOrder(order.id)
        assertEquals(status, again.shippingStatus.toString())
        assertEquals(order.customerEmail, again.customerEmail)
    }

    @Test
    fun `fillLineItemProducts fetches each missing product once and puts it in place`() = runBlocking {
        val c = client()
        val page = c.listOrders(ListOrdersParams(pageLimit = 20))
        val before = page.items.flatMap { it.items }
        assertTrue(before.isNotEmpty(), "the seeded orders have line items")
        // An orders list names each product without including it: a stub, not "no options".
        assertTrue(before.all { it.product != null && !it.product!!.resolved })
        val distinct = before.map { it.product!!.id }.toSet()
        fun asked(): Long = JSONObject(admin("GET", "/counters", null))
            .getJSONObject("requests").optLong("getProduct", 0)
        val start = asked()
        val filled = c.fillLineItemProducts(page.items, 3u)
        assertEquals(distinct.size.toLong(), asked() - start, "one request per distinct product")
        assertEquals(FillReport(distinct.size.toULong(), before.size.toULong(), listOf()), filled.report)
        val after = filled.orders.flatMap { it.items }
        assertEquals(before.size, after.size)
        for ((old, item) in before.zip(after)) {
            val product = item.product!!
            assertTrue(product.resolved)
            assertEquals(old.product!!.id, product.id)
            // The product as getProduct answers it, options included.
            assertEquals(c.getProduct(product.id), product)
            assertTrue(product.options.isNotEmpty())
            item.productOption?.let { option ->
                assertTrue(option.resolved)
                assertTrue(option in product.options)
            }
            // Nothing else about the line item changed.
            assertEquals(old.copy(product = null, productOption = null), item.copy(product = null, productOption = null))
        }
        // Nothing is left to fetch the second time.
        val beforeSecond = asked()
        assertEquals(0uL, c.fillLineItemProducts(filled.orders, 3u).report.fetched)
        assertEquals(beforeSecond, asked())
    }

    @Test
    fun `concurrent calls share one client`() = runBlocking {
        val c = client()
        val ids = c.listOrders(ListOrdersParams(pageLimit = 8)).items.map { it.id }
        val orders = ids.map { async { c.getOrder(it) } }.awaitAll()
        assertEquals(ids, orders.map { it.id })
    }

    @Test
    fun `not found is a typed error with the JSON API details`() = runBlocking {
        val e = assertThrows<BigCartelException.Api> { runBlocking { client().getOrder("no-such-order") } }
        assertEquals(404, e.status)
        assertEquals(ApiErrorKind.NOT_FOUND, e.kind)
        assertEquals("getOrder", e.operationId)
        assertTrue(e.errors.isNotEmpty() && e.errors[0].detail != null)
    }

    @Test
    fun `wrong token is unauthorized and never echoed`() = runBlocking {
        val secret = "wrong-token-s3cr3t"
        val c = client(token = secret)
        val e = assertThrows<BigCartelException.Api> { runBlocking { c.getAccount() } }
        assertEquals(401, e.status)
        assertEquals(ApiErrorKind.UNAUTHORIZED, e.kind)
        for (text in listOf(e.message ?: "", e.toString(), c.toString())) {
            assertFalse(text.contains(secret), text)
        }
    }

    @Test
    fun `a bad body is a decode error`() = runBlocking {
        admin("PUT", "/overrides/listProducts", """{"canned":"truncated_json"}""")
        val e = assertThrows<BigCartelException.Decode> { runBlocking { client(maxRetries = 0u).listProducts() } }
        assertEquals("listProducts", e.operationId)
        assertEquals(200, e.status)
    }

    @Test
    fun `decodeProducts resolves a body fetched without the SDK, like the client`() = runBlocking {
        val raw = rawBytes("/v1/accounts/$accountId/products?page[limit]=10")
        val doc = JSONObject(String(raw, Charsets.UTF_8))
        val products = decodeProducts(raw)
        val data = doc.getJSONArray("data")
        assertEquals((0 until data.length()).map { data.getJSONObject(it).getString("id") }, products.map { it.id })
        for ((i, product) in products.withIndex()) {
            val linked = data.getJSONObject(i).getJSONObject("relationships").getJSONObject("options").getJSONArray("data")
            assertEquals((0 until linked.length()).map { linked.getJSONObject(it).getString("id") }, product.options.map { it.id })
        }
        assertEquals(client().listProducts(ListProductsParams(pageLimit = 10)).items, products)
        val orderId = client().listOrders(ListOrdersParams(pageLimit = 1)).items[0].id
        assertEquals(client().getOrder(orderId), decodeOrder(rawBytes("/v1/accounts/$accountId/orders/$orderId")))
    }

    @Test
    fun `bodies that are not documents are typed DocumentExceptions`() {
        val html = assertThrows<DocumentException.NotJson> { decodeOrders("<html>502</html>".toByteArray()) }
        assertTrue(html.excerpt.startsWith("<html>"))
        assertThrows<DocumentException.Empty> { decodeOrders(ByteArray(0)) }
        assertThrows<DocumentException.Shape> { decodeOrders("""{"data":{"type":"orders","id":"1"}}""".toByteArray()) }
        val attr = assertThrows<DocumentException.Attribute> {
            decodeProducts("""{"data":[{"type":"products","id":"4","attributes":{"name":{"x":1}}}]}""".toByteArray())
        }
        assertEquals("4", attr.id)
    }

    @Test
    fun `invalid input is refused before sending`() = runBlocking {
        val e = assertThrows<BigCartelException.InvalidInput> { runBlocking { client().repositionProducts(emptyList()) } }
        assertEquals("repositionProducts", e.operationId)
    }

    @Test
    fun `bad configuration is a typed error`() {
        assertThrows<BigCartelException.Config> {
            Client.bearer("t", ClientOptions(userAgent = "x", baseUrl = "not a url"))
        }
    }

    @Test
    fun `what the spec does not declare is kept (the shared unknown-things vectors)`() {
        val path = System.getProperty("webhook.vectors") ?: error("set -Dwebhook.vectors")
        val vectors = JSONObject(File(path).resolveSibling("unknown-things.json").readText())
        val case = vectors.getJSONArray("cases").getJSONObject(0)
        assertEquals("orders", case.getString("decode"))
        val order = decodeOrders(case.getJSONObject("document").toString().toByteArray())[0]
        // Attributes the spec declares from observation (x-observed) are fields.
        assertEquals("555-0100", order.customerPhoneNumber)
        assertEquals(true, order.taxRemittedByBigCartel)
        assertEquals("United States", order.shippingCountryName)
        // A date-time is its text as sent, read as an instant and offset on request.
        order.createdAt?.let { created ->
            assertEquals(created.text, created.toString())
            val instant = created.instant()
            if (instant != null) {
                val offset = java.time.ZoneOffset.ofTotalSeconds(created.offsetSeconds()!!)
                assertEquals(java.time.OffsetDateTime.parse(created.text), instant.atOffset(offset))
            }
        }
        assertEquals(null, DateTimeText("last tuesday").instant())
        val exact = DateTimeText("2024-08-01T21:59:44.123456789-06:00")
        assertEquals(java.time.Instant.parse("2024-08-02T03:59:44.123456789Z"), exact.instant())
        assertEquals(-6 * 3600, exact.offsetSeconds())
        // Undeclared attributes: each value as Kotlin data, numbers as their exact text.
        assertEquals(JsonValue.Text("en-US"), order.extraAttributes["checkout_locale"])
        assertEquals(JsonValue.Number("0.0875"), order.extraAttributes["shipping_tax_rate"])
        val future = order.extraAttributes.getValue("future_thing").members()
        assertEquals(JsonValue.Bool(true), future["flag"])
        assertEquals(
            listOf(JsonValue.Number("1"), JsonValue.Text("two"), JsonValue.Object(mapOf("three" to JsonValue.Null))),
            (future.getValue("nested") as JsonValue.Array).items,
        )
        assertEquals("""{"three":null}""", (future.getValue("nested") as JsonValue.Array).items[2].toString())
        // Subtypes: the type as sent.
        assertEquals(listOf("order_adjustments/shipping", "order_adjustments/tax"), order.adjustments.map { it.resourceType })
        assertEquals("order_transactions/payments", order.transactions[0].resourceType)
        assertEquals("payment_status", order.events[0].identifier)
        assertEquals(JsonValue.Text("stripe"), order.events[0].extraAttributes.getValue("source").members()["name"])
        // A product the document does not include is marked so, not passed off as one without options.
        val product = order.items[0].product!!
        assertEquals("42", product.id)
        assertEquals("product", product.resourceType)
        assertFalse(product.resolved)
        assertTrue(order.items[0].resolved)
    }

    @Test
    fun `undeclared relationships, links, meta and subtypes are kept (the shared vectors)`() {
        val path = System.getProperty("webhook.vectors") ?: error("set -Dwebhook.vectors")
        val vectors = JSONObject(File(path).resolveSibling("unknown-things.json").readText())
        val cases = vectors.getJSONArray("cases")
        val case = (0 until cases.length()).map { cases.getJSONObject(it) }
            .single { it.getString("name") == "relationships_links_and_meta_beyond_the_spec" }
        val order = decodeOrders(case.getJSONObject("document").toString().toByteArray())[0]
        // Subtypes: typed, and one the spec does not list keeps its text.
        assertEquals(
            listOf(OrderAdjustmentSubtype.Other("gift_card"), null, OrderAdjustmentSubtype.Discount),
            order.adjustments.map { it.subtype },
        )
        // An undeclared relationship: its linkage, meta and the included target.
        val refunds = order.extraRelationships.getValue("refunds")
        assertEquals(2, (refunds.data as JsonValue.Array).items.size)
        assertEquals(JsonValue.Number("2"), refunds.meta!!.members()["count"])
        assertEquals(JsonValue.Text("damaged"), refunds.included[0].members().getValue("attributes").members()["reason"])
        // A links-only relationship is "not given" (no `data`), not an empty list.
        assertTrue(order.items.isEmpty())
        val items = order.extraRelationships.getValue("items")
        assertNull(items.data)
        assertTrue((items.links!!.members().getValue("related") as JsonValue.Text).value.endsWith("/orders/601/items"))
        // The resource's own links and meta.
        assertTrue((order.links!!.members().getValue("self") as JsonValue.Text).value.endsWith("/orders/601"))
        assertEquals(JsonValue.Text("storefront"), order.meta!!.members()["source"])
    }

    @Test
    fun `every webhook signature vector`() {
        val path = System.getProperty("webhook.vectors") ?: error("set -Dwebhook.vectors")
        val cases = JSONObject(File(path).readText()).getJSONArray("signature_cases")
        val outcomes = mutableSetOf<String>()
        for (i in 0 until cases.length()) {
            val case = cases.getJSONObject(i)
            val name = case.getString("name")
            val secret = bytes(case.getJSONObject("secret"))
            val body = bytes(case.getJSONObject("body"))
            assertEquals(case.getString("body_sha256"), hex(MessageDigest.getInstance("SHA-256").digest(body)), name)
            assertEquals(case.getString("expected_signature"), signWebhook(secret, body), name)
            val header = if (case.isNull("header")) null else case.getString("header")
            val expect = case.getString("expect")
            outcomes += expect
            if (expect == "ok") {
                verifyWebhook(secret, body, header)
                continue
            }
            val e = assertThrows<WebhookException>(name) { verifyWebhook(secret, body, header) }
            val detail = case.optJSONObject("error_detail")
            when (expect) {
                "missing_header" -> assertTrue(e is WebhookException.MissingHeader, name)
                "empty" -> assertTrue(e is WebhookException.Empty, name)
                "whitespace_padded" -> assertTrue(e is WebhookException.WhitespacePadded, name)
                "wrong_length" -> assertEquals(detail!!.getLong("len"), (e as WebhookException.WrongLength).len, name)
                "non_hex" -> assertEquals(detail!!.getLong("index"), (e as WebhookException.NonHex).index, name)
                "empty_secret" -> assertTrue(e is WebhookException.EmptySecret, name)
                "mismatch" -> assertTrue(e is WebhookException.Mismatch, name)
                else -> error("unknown expectation $expect in $name")
            }
        }
        assertTrue(outcomes.containsAll(listOf("ok", "mismatch", "missing_header", "wrong_length", "non_hex")))
    }

    @Test
    fun `a client dropped on another thread leaves the shared runtime working`() {
        val threads = (1..4).map {
            Thread {
                runBlocking { client().use { assertEquals(accountId, it.getAccount().id) } }
            }
        }
        val failures = mutableListOf<Throwable>()
        threads.forEach { t -> t.setUncaughtExceptionHandler { _, e -> synchronized(failures) { failures += e } }; t.start() }
        threads.forEach { it.join() }
        assertTrue(failures.isEmpty(), failures.toString())
        System.gc()
        assertEquals(accountId, runBlocking { client().getAccount().id })
        assertNull(runBlocking { client().listCountries() }.items.firstOrNull { it.id.isEmpty() })
    }

    private fun bytes(spec: JSONObject): ByteArray {
        var data = if (spec.has("utf8")) spec.getString("utf8").toByteArray(Charsets.UTF_8) else unhex(spec.getString("hex"))
        val repeat = spec.optInt("repeat", 1)
        if (repeat != 1) data = ByteArray(data.size * repeat) { data[it % data.size] }
        spec.optJSONObject("flip_bit")?.let { f ->
            val b = f.getInt("byte")
            data[b] = (data[b].toInt() xor (1 shl f.getInt("bit"))).toByte()
        }
        return data
    }

    private fun unhex(s: String) = ByteArray(s.length / 2) { s.substring(2 * it, 2 * it + 2).toInt(16).toByte() }
    private fun hex(b: ByteArray) = b.joinToString("") { "%02x".format(it) }
}

/** An object's members; fails the test for any other value. */
private fun JsonValue.members(): Map<String, JsonValue> = (this as JsonValue.Object).members
