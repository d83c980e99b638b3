// Common given names and surnames of several origins. Only the combinations are generated, and
// combined at random they describe nobody in particular.

/** A given name, with its native-script form and other Latin spellings where it has them. */
export interface GivenName {
  latin: string;
  native: string | null;
  spellings: readonly string[];
}

/** A surname in its male and female forms (they differ in Slavic and Greek names). */
export interface Surname {
  male: string;
  female: string;
  nativeMale: string | null;
  nativeFemale: string | null;
}

/** A naming tradition: where people with these names come from and how they are written. */
export interface Origin {
  code: string;
  weight: number;
  nationalities: readonly string[];
  script: 'latin' | 'cyrillic' | 'greek';
  male: readonly GivenName[];
  female: readonly GivenName[];
  surnames: readonly Surname[];
}

// "Latin:Native:Alt1|Alt2" entries, so the lists stay readable in one line each.
function givenNames(list: string): GivenName[] {
  return list
    .trim()
    .split(/\s+/)
    .map((entry) => {
      const [latin = '', native = '', alts = ''] = entry.split(':');
      return { latin, native: native === '' ? null : native, spellings: alts === '' ? [] : alts.split('|') };
    });
}

function plainSurnames(list: string, feminine: (s: string) => string = (s) => s): Surname[] {
  return list
    .trim()
    .split(/\s+/)
    .map((s) => s.replace(/_/g, ' '))
    .map((male) => ({ male, female: feminine(male), nativeMale: null, nativeFemale: null }));
}

function polishFeminine(s: string): string {
  if (s.endsWith('ski')) return `${s.slice(0, -3)}ska`;
  if (s.endsWith('cki')) return `${s.slice(0, -3)}cka`;
  return s;
}

function russianSurnames(list: string): Surname[] {
  return list
    .trim()
    .split(/\s+/)
    .map((entry) => {
      const [male = '', native = ''] = entry.split(':');
      return { male, female: `${male}a`, nativeMale: native, nativeFemale: `${native}а` };
    });
}

function greekSurnames(list: string): Surname[] {
  return list
    .trim()
    .split(/\s+/)
    .map((entry) => {
      const [latin = '', native = ''] = entry.split(':');
      const [male = '', female = male] = latin.split('/');
      const [nativeMale = '', nativeFemale = nativeMale] = native.split('/');
      return { male, female, nativeMale, nativeFemale };
    });
}

/** The naming traditions of the demo population, with their share of it. */
export const ORIGINS: readonly Origin[] = [
  {
    code: 'british-irish',
    weight: 56,
    nationalities: ['gb', 'gb', 'gb', 'gb', 'ie'],
    script: 'latin',
    male: givenNames(`James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel
      Matthew Anthony Mark Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy Ronald Edward Jason Ryan
      Jacob Gary Nicholas Jonathan Stephen Justin Scott Benjamin Samuel Gregory Alexander Patrick Frank Raymond Jack
      Dennis Aaron Henry Peter Adam Nathan Douglas Kyle Noah Ethan Keith Roger Terry Sean Arthur Lawrence Dylan
      Jordan Alan Wayne Roy Russell Philip Bradley Oliver Harry Callum Liam Connor Declan Owen Rhys Gareth Dafydd
      Angus Hamish Ewan Ciaran Niall Eoin Cormac Graham Neil Stuart Craig Lee Darren Dean Gavin Barry Colin`),
    female: givenNames(`Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Nancy Margaret Lisa
      Dorothy Sandra Ashley Donna Emily Michelle Carol Amanda Melissa Deborah Stephanie Rebecca Laura Sharon Amy
      Angela Helen Anna Brenda Pamela Nicole Samantha Katherine Emma Ruth Christine Catherine Rachel Janet Heather
      Diane Julie Joyce Victoria Kelly Joan Lauren Judith Olivia Frances Megan Hannah Jacqueline Ann Jean Alice
      Gloria Teresa Sara Julia Grace Denise Amber Danielle Abigail Rose Diana Natalie Sophie Jane Charlotte Amelia
      Isla Ava Mia Poppy Freya Siobhan Aoife Niamh Ciara Eilidh Catriona Bronwen Cerys Ffion Rhiannon Gemma Kirsty
      Leanne Claire Joanne Tracey Hayley`),
    surnames: plainSurnames(`Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson
      Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Jackson Wood Turner Martin Cooper
      Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker
      Price Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox
      Richards Marshall Simpson Ellis Adams Anderson Campbell Stewart MacDonald Reid Murray Fraser Robertson Ross
      Henderson Paterson Gallagher O'Brien O'Neill Byrne Ryan Doyle McCarthy Quinn Walsh Kennedy Lynch Fitzgerald
      Gray Hunt Palmer Mills Barnes Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Dixon Fletcher Webb
      Rose Davidson Chapman Powell Webster Rogers Gibson Holmes Mason Matthews Owen Lawrence Graham Pearson Holland
      Burton Hudson Spencer Ford Gardner Dean Barber Day Hart Wells Pritchard Llewellyn Vaughan McKenzie Sinclair
      Docherty Brennan Nolan Farrell Kavanagh`),
  },
  {
    code: 'south-asian',
    weight: 9,
    nationalities: ['gb', 'gb', 'in', 'pk', 'bd'],
    script: 'latin',
    male: givenNames(`Mohammed Ahmed Ali Imran Rajesh Sanjay Amit Vikram Arjun Rahul Sunil Anil Harpreet Gurpreet
      Ravi Deepak Faisal Tariq Asif Kamran Hassan Usman Bilal Zain Rohan Nikhil`),
    female: givenNames(`Priya Anjali Sunita Pooja Neha Kavita Aisha Fatima Ayesha Sana Nadia Shabana Rupinder
      Jaspreet Meena Deepa Lakshmi Farah Zara Hina Shreya Anika`),
    surnames: plainSurnames(`Patel Shah Singh Kaur Khan Ahmed Hussain Ali Sharma Gupta Kumar Chaudhry Begum Iqbal
      Malik Rahman Akhtar Mistry Desai Joshi Mehta Rao Nair Bhatt Siddiqui Qureshi`),
  },
  {
    code: 'polish',
    weight: 6,
    nationalities: ['pl', 'pl', 'gb'],
    script: 'latin',
    male: givenNames('Piotr Krzysztof Andrzej Tomasz Pawel Marcin Michal Grzegorz Jakub Lukasz Kamil Mateusz Wojciech Marek'),
    female: givenNames('Katarzyna Malgorzata Agnieszka Ewa Magdalena Joanna Aleksandra Monika Zofia Natalia Justyna'),
    surnames: plainSurnames(
      `Nowak Kowalski Wisniewski Wojcik Kowalczyk Kaminski Lewandowski Zielinski Szymanski Wozniak Dabrowski
      Kozlowski Jankowski Mazur Kwiatkowski Krawczyk Piotrowski Grabowski`,
      polishFeminine,
    ),
  },
  {
    code: 'west-african',
    weight: 6,
    nationalities: ['gb', 'gb', 'ng', 'gh'],
    script: 'latin',
    male: givenNames(`Chinedu Emeka Oluwaseun Tunde Adebayo Kwame Kofi Yaw Ifeanyi Babatunde Segun Olumide Ikenna
      Obinna Kwabena Femi`),
    female: givenNames(`Ngozi Chioma Funmilayo Adaeze Abena Ama Akosua Folake Yetunde Nkechi Chiamaka Efua Temitope
      Bisola`),
    surnames: plainSurnames(`Okafor Adeyemi Okonkwo Balogun Mensah Asante Boateng Owusu Eze Nwosu Ogunleye Olawale
      Osei Agyeman Chukwu Ibrahim Danjuma Adewale`),
  },
  {
    code: 'southern-european',
    weight: 8,
    nationalities: ['es', 'pt', 'it', 'gb'],
    script: 'latin',
    male: givenNames(`Jose Carlos Miguel Javier Antonio Manuel Francisco Pedro Luis Diego Alejandro Joao Rui Tiago
      Marco Luca Giuseppe Giovanni Francesco Alessandro Matteo Lorenzo`),
    female: givenNames(`Carmen Lucia Sofia Elena Isabel Ana Marta Paula Ines Beatriz Giulia Chiara Francesca Alessia
      Valentina Martina Rosa`),
    surnames: plainSurnames(`Garcia Rodriguez Martinez Lopez Gonzalez Fernandez Sanchez Perez Gomez Diaz Silva Santos
      Ferreira Pereira Oliveira Costa Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco`),
  },
  {
    code: 'western-european',
    weight: 5,
    nationalities: ['de', 'fr', 'nl', 'be'],
    script: 'latin',
    male: givenNames('Lukas Jonas Felix Maximilian Stefan Jurgen Klaus Wolfgang Pierre Jean Nicolas Julien Antoine Mathieu Jan Pieter Daan Sven'),
    female: givenNames('Lea Katharina Sabine Petra Ursula Claire Camille Manon Chloe Isabelle Marie Anke Femke Sanne'),
    surnames: plainSurnames(`Muller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Bernard
      Dubois Durand Lefebvre Moreau Laurent Girard Roux Fournier de_Jong Jansen de_Vries van_Dijk Bakker Visser`),
  },
  {
    code: 'arabic',
    weight: 4,
    nationalities: ['gb', 'eg', 'lb', 'jo', 'ma'],
    script: 'latin',
    male: givenNames('Omar Youssef Khaled Ahmad Mahmoud Karim Samir Walid Nabil Rami Tarek Hamza Ibrahim Mustafa Yasser'),
    female: givenNames('Layla Amira Yasmin Mariam Noor Rania Salma Huda Dalia Lina Samira Hala'),
    surnames: plainSurnames('Haddad Khoury Nasser Saleh Mansour Hamdan Aziz Farouk Kassem Darwish Abdallah Rashid Sabbagh'),
  },
  {
    code: 'russian',
    weight: 4,
    nationalities: ['ru', 'ua', 'by', 'gb'],
    script: 'cyrillic',
    male: givenNames(`Aleksandr:Александр:Alexander|Aleksander Dmitri:Дмитрий:Dmitriy|Dmitry Sergei:Сергей:Sergey
      Andrei:Андрей:Andrey Mikhail:Михаил:Mikhael Ivan:Иван Nikolai:Николай:Nikolay Vladimir:Владимир
      Alexei:Алексей:Aleksei|Alexey Yuri:Юрий:Yury|Iurii Pavel:Павел Oleg:Олег Igor:Игорь Viktor:Виктор:Victor
      Maksim:Максим:Maxim Artem:Артём:Artyom`),
    female: givenNames(`Elena:Елена:Yelena Olga:Ольга Tatiana:Татьяна:Tatyana Natalia:Наталья:Natalya Irina:Ирина
      Svetlana:Светлана Anastasia:Анастасия:Anastasiya Ekaterina:Екатерина:Yekaterina Maria:Мария:Mariya
      Yulia:Юлия:Yuliya|Julia Anna:Анна Daria:Дарья:Darya`),
    surnames: russianSurnames(`Ivanov:Иванов Smirnov:Смирнов Kuznetsov:Кузнецов Popov:Попов Vasiliev:Васильев
      Petrov:Петров Sokolov:Соколов Mikhailov:Михайлов Novikov:Новиков Fedorov:Федоров Morozov:Морозов
      Volkov:Волков Lebedev:Лебедев Pavlov:Павлов Kozlov:Козлов Stepanov:Степанов Orlov:Орлов Zaitsev:Зайцев
      Sorokin:Сорокин Belov:Белов`),
  },
  {
    code: 'greek',
    weight: 2,
    nationalities: ['gr', 'cy', 'gb'],
    script: 'greek',
    male: givenNames(`Georgios:Γεώργιος:Giorgos Dimitrios:Δημήτριος:Dimitris Konstantinos:Κωνσταντίνος:Kostas
      Ioannis:Ιωάννης:Giannis|Yannis Nikolaos:Νικόλαος:Nikos Panagiotis:Παναγιώτης Christos:Χρήστος:Hristos
      Vasileios:Βασίλειος:Vasilis Athanasios:Αθανάσιος:Thanasis Michail:Μιχαήλ:Michalis Spyridon:Σπυρίδων:Spyros`),
    female: givenNames(`Maria:Μαρία Eleni:Ελένη:Helen Aikaterini:Αικατερίνη:Katerina Vasiliki:Βασιλική
      Sofia:Σοφία:Sophia Angeliki:Αγγελική Georgia:Γεωργία Dimitra:Δήμητρα Ioanna:Ιωάννα Christina:Χριστίνα`),
    surnames: greekSurnames(`Papadopoulos/Papadopoulou:Παπαδόπουλος/Παπαδοπούλου Pappas/Pappa:Παππάς/Παππά
      Nikolaidis/Nikolaidou:Νικολαΐδης/Νικολαΐδου Georgiou:Γεωργίου Papadakis/Papadaki:Παπαδάκης/Παπαδάκη
      Oikonomou:Οικονόμου Karagiannis/Karagianni:Καραγιάννης/Καραγιάννη Vlachos/Vlachou:Βλάχος/Βλάχου
      Antoniou:Αντωνίου Makris/Makri:Μακρής/Μακρή Dimitriou:Δημητρίου Konstantinidis/Konstantinidou:Κωνσταντινίδης/Κωνσταντινίδου`),
  },
];

/** Total of the origin weights, for weighted picks. */
export const ORIGIN_WEIGHT = ORIGINS.reduce((sum, o) => sum + o.weight, 0);

/** The origin a uniform draw in [0, 1) falls on. */
export function originAt(u: number): Origin {
  let left = u * ORIGIN_WEIGHT;
  for (const origin of ORIGINS) {
    left -= origin.weight;
    if (left < 0) return origin;
  }
  return ORIGINS[0] as Origin;
}

// Informal forms people give or are given, in the directions record-keepers meet them.
const NICKNAME_LIST = `Robert:Bob|Rob|Bobby William:Bill|Will|Billy Margaret:Peggy|Maggie|Meg Elizabeth:Liz|Beth|Betty
  James:Jim|Jimmy|Jamie John:Jack|Johnny Richard:Rick|Dick|Richie Michael:Mike|Mick Thomas:Tom|Tommy
  Katherine:Kate|Kathy Catherine:Cathy|Kate Alexander:Alex|Sandy Edward:Ted|Ed|Eddie Charles:Charlie|Chuck
  Patricia:Pat|Patty Jennifer:Jen|Jenny Anthony:Tony Daniel:Dan|Danny Joseph:Joe|Joey Christopher:Chris
  Susan:Sue|Susie Deborah:Debbie|Deb Rebecca:Becky Samuel:Sam Benjamin:Ben Nicholas:Nick Andrew:Andy|Drew
  Stephen:Steve Steven:Steve Matthew:Matt David:Dave|Davy Peter:Pete Dorothy:Dot|Dottie Victoria:Vicky|Tori
  Jacqueline:Jackie Samantha:Sam Abigail:Abby Frances:Fran Gregory:Greg Kenneth:Ken|Kenny Timothy:Tim
  Jonathan:Jon Raymond:Ray Lawrence:Larry Douglas:Doug Patrick:Paddy|Pat Henry:Harry|Hal Francis:Frank
  Frank:Frankie Sarah:Sally Mary:Molly|Polly Helen:Nell Judith:Judy Pamela:Pam Amanda:Mandy
  Christine:Chris|Tina Joshua:Josh Nathan:Nate Zachary:Zach Gareth:Gaz Callum:Cal Aleksandr:Sasha|Sanya
  Dmitri:Dima Mikhail:Misha Ekaterina:Katya Natalia:Natasha Yuri:Yura Vladimir:Volodya|Vova Alexei:Lyosha
  Ivan:Vanya Anastasia:Nastya Tatiana:Tanya Svetlana:Sveta Konstantinos:Kostas Ioannis:Giannis
  Georgios:Giorgos Nikolaos:Nikos Giuseppe:Beppe|Pino Francesco:Cesco Jose:Pepe Francisco:Paco
  Mohammed:Mo Oluwaseun:Seun Babatunde:Tunde Krzysztof:Krzys Malgorzata:Gosia Katarzyna:Kasia`;

/** Nicknames by formal given name. */
export const NICKNAMES: ReadonlyMap<string, readonly string[]> = new Map(
  NICKNAME_LIST.trim()
    .split(/\s+/)
    .map((entry) => {
      const [formal = '', nicks = ''] = entry.split(':');
      return [formal, nicks.split('|')] as const;
    }),
);

/** Street names people are known by in case files; invented, and harmless on their own. */
export const STREET_ALIASES: readonly string[] = `Tiny Ghost Smudge Spider Chalky Nitro Blade Dutch Lefty Sparky
  Moose Bones Jacko Shadow Foxy Magic Dodger Kipper Bullet Ace Badger Slim Red Knuckles Whisper Sonny Gunner Taff
  Brains Lucky Ginger Mouse`
  .trim()
  .split(/\s+/);
