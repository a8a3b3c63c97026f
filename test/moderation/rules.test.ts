// Each rule with positive and negative cases, plain and obfuscated.
import t from 'tap'
import { moderate, type SenderRole } from '../../src/domain/moderation/engine/index.js'
import { findViolations } from '../../src/domain/moderation/engine/engine.js'
import type { ModerationRule } from '../../src/config/policy.js'
import { loadCorpus } from '../../bench/moderation-quality.js'

const PLATFORM = ['ozon.ru', 'wildberries.ru', 'market.yandex.ru']

function rules(text: string, role: SenderRole = 'buyer', extra: string[] = []): ModerationRule[] {
  return [
    ...new Set(
      moderate(text, { senderRole: role, allowedDomains: [...PLATFORM, ...extra] }).violations.map((v) => v.rule),
    ),
  ]
}

function check(rule: ModerationRule, yes: string[], no: string[], role: SenderRole = 'buyer'): void {
  t.test(rule, async (t) => {
    for (const s of yes) t.ok(rules(s, role).includes(rule), `flags: ${s}`)
    for (const s of no) t.notOk(rules(s, role).includes(rule), `passes: ${s}`)
  })
}

check(
  'obscenity',
  [
    'Что за хуйня',
    'пиздец качество',
    'ебаный курьер',
    'х*йня',
    'бл@ть',
    'п и з д е ц',
    'нaxyй',
    'сууука',
    'f*ck',
    'shit quality',
    'ПИ3ДЕЦ',
    'х у й вам',
  ],
  [
    'рубля',
    'застраховать',
    'употребление',
    'потребитель',
    'мандарин',
    'сукно',
    'скипидар',
    'оскорблять',
    'себе',
    'хлеб',
    'бляха',
    'мудрый',
    'трахея',
    'херувим',
    'художник',
    'педикюр',
    'гондола',
    'шитьё',
    'на* скидка',
    'товар*',
  ],
)

check(
  'insult',
  [
    'Вы идиот?',
    'дебилы на складе',
    'ты тупой',
    'вы что, тупые?',
    'сам ты дурак',
    'вы тупые бараны',
    'ид1от',
    'д е б и л',
    'you are an idiot',
    "you're so stupid",
  ],
  [
    'тупой нож',
    'у вас тупой нож',
    'вы купили тупой нож',
    'игрушка козёл',
    'я не идиотка, но не поняла',
    'это дурацкая ситуация',
    'stupid question, sorry',
    'овца на свитере',
  ],
)

check(
  'contact_exchange',
  [
    'Мой номер 8 916 123-45-67',
    '+7 (916) 123-45-67',
    'ivan.petrov@mail.ru',
    'пишите @shop_helper',
    'мой ник в телеге ivan_petrov91',
    'восемь девятьсот шестнадцать сто двадцать три сорок пять шестьдесят семь',
    '8 9 1 6 1 2 3 4 5 6 7',
    'ivan собака mail точка ру',
    'ivan(at)yandex(dot)ru',
    't.me/remont_help',
    'паспорт 4510 123456',
    '+44 20 7946 0958',
    'support@ozon.ru',
  ],
  [
    'Номер заказа 89161234567',
    'Трек-номер 80089161234567',
    'Артикул 146972802',
    'Размеры 42 44 46 48 50',
    'Цена 12 990 ₽',
    'Доставка 15.05.2024 с 10:00 до 18:00',
    'Штрихкод 4607034171234',
    'IMEI 356938035643809',
    'бл@ть',
  ],
)

t.test('card numbers: Luhn + known BIN, giving is contact_exchange, asking is personal_data_request', async (t) => {
  t.same(rules('Моя карта 4276 3800 1234 5679'), ['contact_exchange'])
  t.same(rules('карта 2202-2000-1122-3344'), [], 'fails Luhn: not a card')
  t.same(rules('карта 9999 9999 9999 9995'), [], 'unknown BIN: not a card')
  t.same(rules('Заказ №4276380012345679 пришёл'), [], 'order-number context')
  t.same(rules('Скиньте номер карты'), ['personal_data_request'])
})

check(
  'external_link',
  [
    'https://bit.ly/3xYzAbc',
    'www.best-chehly.com',
    'shop-remont точка ру',
    'best-chehly . com',
    'ozоn.ru/return',
    '0zon.ru',
    'ozon.ru.evil.com/login',
    'http://wildberries-refund.top',
  ],
  [
    'https://www.ozon.ru/my/orders',
    'seller.ozon.ru/help',
    'т.е. так',
    'версия 2.1.5',
    'файл manual.pdf',
    'No. 5 perfume',
    'Done. It works',
  ],
)

t.test('external_link: allowed official domains and phishing hint', async (t) => {
  t.same(rules('https://service.samsung.com/ru', 'seller', ['samsung.com']), [], 'subdomain of an allowed domain')
  t.same(rules('https://samsung.com', 'seller'), ['external_link'], 'not allowed without registration')
  const phish = moderate('Возврат: ozоn.ru/return', { senderRole: 'seller', allowedDomains: PLATFORM }).violations[0]!
  const plain = moderate('Возврат: evil.com/return', { senderRole: 'seller', allowedDomains: PLATFORM }).violations[0]!
  t.equal(phish.rule, 'external_link')
  t.equal(plain.rule, 'external_link')
  t.not(phish.hint, plain.hint, 'look-alike gets a distinct hint')
  t.match(phish.hint, /фишинг/)
})

t.test(
  'more allowed domains only lift findings: what is clean on the platform list is clean for every seller',
  async (t) => {
    // chat.service posts such texts without reading the seller's official domains first.
    // Addresses are contacts whatever their domain, so allowed domains never touch them.
    t.same(rules('пишите на shop.ru@ozon.ru'), ['contact_exchange'], 'an address at a platform domain')
    t.same(
      rules('пишите на service@shop.ru', 'seller', ['shop.ru']),
      ['contact_exchange'],
      'an address at the seller’s own domain',
    )
    t.same(rules('пишите на ivan@gmail.com', 'seller', ['gmail.com']), ['contact_exchange'], 'whatever is allowed')
    t.same(
      rules('ozon.ru@evil.com/return'),
      ['external_link'],
      'an allowed name as the user part of a foreign address is phishing',
    )
    // Hostile lists too (a mail provider, a shortener, a look-alike): the property is the engine's, whatever it is given.
    const sellerDomains = ['samsung.com', 'shop.ru', 'remont-service.ru', 'evil.com', 'ozоn.ru', 'gmail.com', 'bit.ly']
    let clean = 0
    for (const row of loadCorpus()) {
      if (rules(row.text, row.sender_role).length > 0) continue
      clean++
      t.same(rules(row.text, row.sender_role, sellerDomains), [], row.text)
    }
    t.ok(clean > 100, `${clean} clean corpus messages checked`)
  },
)

check(
  'personal_data_request',
  [
    'Пришлите ваш номер телефона',
    'Продиктуйте код из СМС',
    'нужны серия и номер паспорта',
    'Какой у вас номер телефона?',
    'Ваш телефон?',
    'Как с вами связаться?',
    'Укажите CVV',
    'send me your phone number',
    'пришлите ваш н0мер телеф0на',
    'скиньте н о м е р к а р т ы',
  ],
  [
    'Пришлите фото дефекта и номер заказа',
    'Укажите номер заказа',
    'Телефон не включается',
    'Укажите ваш адрес в личном кабинете',
    'Никому не говорите код из СМС',
    'Could you tell me the order number?',
  ],
)

check(
  'off_platform_lure',
  [
    'Давайте продолжим в вотсапе',
    'Напишите мне в телеграм',
    'Закажите напрямую, дешевле',
    'На нашем сайте скидка',
    'есть на Авито дешевле, закажите на авито',
    'У вас есть вайбер?',
    'Пишите в в.о.т.с.а.п',
    'давайте перейдём в т е л е г у',
    "Let's continue on WhatsApp",
  ],
  [
    'Закажите на Wildberries, там есть ваш размер',
    'Телега для сада пришла без колеса',
    'Доставка почтой России',
    'Пишите в чат',
    'Напишите в поддержку маркетплейса',
    'Деньги вернутся на карту, которой вы оплатили',
  ],
  'seller',
)

check(
  'platform_disparagement',
  [
    'Этот маркетплейс — помойка',
    'Озон — воры',
    'Не покупайте на этой площадке',
    'У конкурентов одно фуфло',
    '0зон — в0ры',
  ],
  ['Поддержка не отвечает уже три дня', 'Курьер опоздал', 'Площадка удобная', 'Другие продавцы тоже ждут поставку'],
  'seller',
)

check(
  'review_manipulation',
  [
    'Оставьте только положительный отзыв',
    'Поставьте 5 звёзд',
    'Удалите негативный отзыв, верну деньги',
    'Кешбэк за отзыв',
    'Удалю отзыв, если вернёте деньги',
    'поставьте 5 з в е з д',
  ],
  [
    'Оставьте, пожалуйста, отзыв о товаре',
    'Будем рады любому отзыву',
    'Я уже оставил отзыв',
    'Мы ответили на ваш отзыв',
    'Please leave a review',
  ],
  'seller',
)

check(
  'threat',
  [
    'Я вас найду',
    'Знаю, где вы живёте',
    'Вы пожалеете',
    'Сожгу ваш склад',
    'Завалю ваш магазин отзывами',
    'I know where you live',
    'вы пoжалеете',
    'у6ью',
  ],
  [
    'Я обращусь в суд',
    'Напишу жалобу в Роспотребнадзор',
    'Обращусь в общество защиты прав потребителей',
    'Вы не пожалеете о покупке',
    'I will contact consumer protection',
    'Будут проблемы с гарантией, если вскроете пломбу',
  ],
)

t.test('low_effort_reply applies to sellers only', async (t) => {
  for (const s of ['Да', 'Нет.', 'ок', '+', 'no', 'Не знаю', '👍', 'Ну да', 'н е т', 'оk']) {
    t.ok(rules(s, 'seller').includes('low_effort_reply'), `seller: ${s}`)
  }
  for (const role of ['buyer', 'arbiter', 'system'] as const) t.same(rules('Да', role), [], `${role} may answer "Да"`)
  t.notOk(rules('Да, примем возврат: оформите заявку в разделе заказа.', 'seller').includes('low_effort_reply'))
  t.notOk(rules('Ok, we will ship a replacement tomorrow.', 'seller').includes('low_effort_reply'))
})

t.test('words that name Object.prototype members are ordinary words, not number words', async (t) => {
  for (const word of ['constructor', 'toString', 'valueOf', '__proto__', 'hasOwnProperty']) {
    t.same(rules(`${word} 8 916 123-45-67`), ['contact_exchange'], `a phone after "${word}" is still found`)
    t.same(rules(`${word} is broken`), [], `"${word}" alone is nothing`)
  }
})

t.test('asking for a contact is personal_data_request; order numbers and phones as goods are not', async (t) => {
  for (const s of ['Скиньте вашу почту', 'Give me your number please', 'Как мне с вами связаться кроме чата?'])
    t.ok(rules(s, 'seller').includes('personal_data_request'), `flags: ${s}`)
  for (const s of [
    'Назовите номер вашего заказа',
    'Ваш номер заказа, пожалуйста',
    'Какая у вас модель телефона?',
    'Пришлите, пожалуйста, фото вашего телефона с трещиной',
    'Отправьте ваш телефон в сервисный центр на диагностику',
    'Please send your phone to the service centre for repair',
    'Мы с вами свяжемся здесь, в чате',
  ])
    t.same(rules(s, 'seller'), [], `passes: ${s}`)
})

t.test('a phone dictated in words survives pauses and a lone hundred', async (t) => {
  for (const s of [
    'мой номер восемь девять один шесть, сто двадцать три, сорок пять, шестьдесят семь',
    'my number is eight nine one six, one two three, four five, six seven',
    'звоните восемь девятьсот один два три четыре пять шесть семь',
  ])
    t.ok(rules(s).includes('contact_exchange'), `flags: ${s}`)
  t.same(rules('Размеры: сорок два, сорок четыре, сорок шесть, сорок восемь'), [], 'a list of sizes in words')
})

// Patterns added for the development set's misses (2026-12-06): they must block, and their near misses must not.
t.test(
  'precise findings: passport series, bare contact requests, veiled threats, "only fakes here", epithets',
  async (t) => {
    const certain = (text: string, role: SenderRole): ModerationRule[] => [
      ...new Set(
        findViolations(text, { senderRole: role, allowedDomains: PLATFORM })
          .filter((f) => f.certain)
          .map((f) => f.rule),
      ),
    ]
    const blocks: [string, SenderRole, ModerationRule][] = [
      ['серия 4510 номер 123456 выдан в 2015', 'buyer', 'contact_exchange'],
      ['паспорт серия 45 10 № 123456', 'buyer', 'contact_exchange'],
      ['дай свой номер', 'buyer', 'personal_data_request'],
      ['а телефончик можно ваш?', 'seller', 'personal_data_request'],
      ['Ваш номер телефона дайте, обсудим', 'seller', 'personal_data_request'],
      ['please tell me the code from the SMS', 'seller', 'personal_data_request'],
      ['смотри, будешь ходить и оглядываться', 'buyer', 'threat'],
      ['я знаю где ваш склад, приеду с ребятами', 'buyer', 'threat'],
      ['мы тебя из-под земли достанем', 'buyer', 'threat'],
      ['переведите мне 3000 и я не буду писать сотню жалоб', 'buyer', 'threat'],
      ['на вб одни подделки, у нас оригинал', 'seller', 'platform_disparagement'],
      ['поддержка у вас тупая как пробка', 'buyer', 'platform_disparagement'],
      ['слушай, бестолочь, я уже объяснял', 'seller', 'insult'],
      ['кидайте на мою карту, так быстрее', 'buyer', 'off_platform_lure'],
      ['Отстань, дура, надоела', 'buyer', 'insult'],
      ['Напишите ИНН для оформления компенсации', 'seller', 'personal_data_request'],
      ['Тебе осталось недолго спокойно спать', 'buyer', 'threat'],
    ]
    for (const [text, role, rule] of blocks) t.ok(certain(text, role).includes(rule), `${rule}: ${text}`)
    const passes: [string, SenderRole, ModerationRule][] = [
      ['Введите код из смс только в приложении площадки, никому его не сообщайте', 'seller', 'personal_data_request'],
      ['Паспорт для возврата не нужен, всё через приложение', 'seller', 'personal_data_request'],
      ['Дайте ваш номер заказа, проверю', 'seller', 'personal_data_request'],
      ['Пожалеете, если не возьмёте второй цвет, он красивее', 'seller', 'threat'],
      ['Напомню: общаться вне платформы запрещено правилами', 'seller', 'off_platform_lure'],
      ['серия 2 номер 5 в каталоге', 'seller', 'contact_exchange'],
      ['Нож тупой, режет плохо', 'buyer', 'insult'],
      ['Я не умник, но инструкцию прочитал', 'buyer', 'insult'],
    ]
    for (const [text, role, rule] of passes) t.notOk(certain(text, role).includes(rule), `not ${rule}: ${text}`)
  },
)
